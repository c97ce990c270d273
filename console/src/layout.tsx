import type { ComponentChildren } from 'preact';
import { Link } from './router.js';

const sections = [
  { id: 'events', label: 'Events', hint: 'Live feed' },
  { id: 'attribution', label: 'Fix attribution', hint: 'Unknown subjects' },
  { id: 'usage', label: 'Usage', hint: 'Meters over time' },
  { id: 'customers', label: 'Customers', hint: 'Subjects and keys' },
  { id: 'meters', label: 'Meters', hint: 'Definitions' },
];

export function Layout({ section, readOnly, onSignOut, children }: { section: string; readOnly: boolean; onSignOut: () => void; children: ComponentChildren }) {
  return (
    <div class="shell">
      <nav class="sidebar" aria-label="Console">
        <div class="brand">
          <svg viewBox="0 0 32 32" aria-hidden="true">
            <rect width="32" height="32" rx="7" />
            <path d="M9 22V14M16 22V9M23 22v-5" />
          </svg>
          <span>Tally</span>
        </div>
        <ul>
          {sections.map((s) => (
            <li key={s.id}>
              <Link to={`/${s.id}`} class={s.id === section ? 'active' : undefined}>
                <span class="nav-label">{s.label}</span>
                <span class="nav-hint">{s.hint}</span>
              </Link>
            </li>
          ))}
        </ul>
        <div class="sidebar-footer">
          {readOnly ? (
            <span class="badge badge-read" title="This token may view, not change: sign in with an admin token to make changes">
              read-only
            </span>
          ) : (
            <span class="muted small">Signed in</span>
          )}
          <button type="button" class="link sign-out" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </nav>
      <main class="content">{children}</main>
    </div>
  );
}
