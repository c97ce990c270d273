import type { ComponentChildren } from 'preact';

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <header class="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p class="subtitle">{subtitle}</p>}
      </div>
      {actions && <div class="actions">{actions}</div>}
    </header>
  );
}

export function ErrorBanner({ error, onDismiss }: { error: Error | string | undefined; onDismiss?: () => void }) {
  if (!error) return null;
  return (
    <div class="banner banner-error" role="alert">
      <span>{typeof error === 'string' ? error : error.message}</span>
      {onDismiss && (
        <button type="button" class="link" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="banner banner-success" role="status">
      {children}
    </div>
  );
}

export function Card({ title, actions, children, class: className }: { title?: string; actions?: ComponentChildren; children: ComponentChildren; class?: string }) {
  return (
    <section class={`card ${className ?? ''}`}>
      {(title || actions) && (
        <div class="card-header">
          {title && <h2>{title}</h2>}
          {actions && <div class="actions">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

/** Key/value facts of one object (a customer, a meter, an event). */
export function Facts({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value === undefined || value === '' ? <span class="muted">—</span> : value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Chips({ values }: { values: readonly string[] }) {
  if (values.length === 0) return <span class="muted">—</span>;
  return (
    <span class="chips">
      {values.map((v) => (
        <code class="chip" key={v}>
          {v}
        </code>
      ))}
    </span>
  );
}
