import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

/** A side panel over the page; Escape or the backdrop closes it. */
export function Drawer({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div class="drawer-layer">
      <div class="drawer-backdrop" onClick={onClose} />
      <div class="drawer" role="dialog" aria-label={title}>
        <header class="drawer-header">
          <h2>{title}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div class="drawer-body">{children}</div>
      </div>
    </div>
  );
}

/** A centered dialog for a short form (create a customer from a subject, confirm). */
export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div class="modal-layer">
      <div class="drawer-backdrop" onClick={onClose} />
      <div class="modal" role="dialog" aria-label={title}>
        <header class="drawer-header">
          <h2>{title}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div class="modal-body">{children}</div>
      </div>
    </div>
  );
}
