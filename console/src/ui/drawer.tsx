import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

interface OverlayProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}

/** A dialog over the page (`kind` picks the styles); Escape or the backdrop closes it. */
function Overlay({ kind, title, onClose, children }: OverlayProps & { kind: 'drawer' | 'modal' }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div class={`${kind}-layer`}>
      <div class="drawer-backdrop" onClick={onClose} />
      <div class={kind} role="dialog" aria-label={title}>
        <header class="drawer-header">
          <h2>{title}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div class={`${kind}-body`}>{children}</div>
      </div>
    </div>
  );
}

/** A side panel over the page. */
export function Drawer(props: OverlayProps) {
  return <Overlay kind="drawer" {...props} />;
}

/** A centered dialog for a short form (create a customer from a subject, confirm). */
export function Modal(props: OverlayProps) {
  return <Overlay kind="modal" {...props} />;
}
