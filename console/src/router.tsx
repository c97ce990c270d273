import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const basePath = '/console';

export interface Route {
  /** Path below /console, e.g. `/customers/01J...`. */
  path: string;
  query: URLSearchParams;
}

function currentRoute(): Route {
  const path = location.pathname.startsWith(basePath) ? location.pathname.slice(basePath.length) : location.pathname;
  return { path: path === '' ? '/' : path, query: new URLSearchParams(location.search) };
}

const routeChange = 'tally:route';

/** Moves to a console page; `replace` keeps filter changes from flooding the history. */
export function navigate(to: string, { replace = false } = {}): void {
  const url = `${basePath}${to}`;
  if (url === `${location.pathname}${location.search}`) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  dispatchEvent(new Event(routeChange));
}

/** Rewrites the query string of the current page (filters are shareable; tokens never go here). */
export function setQuery(values: Record<string, string | undefined>): void {
  const { path, query } = currentRoute();
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === '') query.delete(name);
    else query.set(name, value);
  }
  const search = query.toString();
  navigate(`${path}${search ? `?${search}` : ''}`, { replace: true });
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener('popstate', update);
    addEventListener(routeChange, update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener(routeChange, update);
    };
  }, []);
  return route;
}

export function Link({ to, class: className, children }: { to: string; class?: string; children: ComponentChildren }) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={`${basePath}${to}`} class={className} onClick={onClick}>
      {children}
    </a>
  );
}

/** Replaces the current page (an unknown path) with another one, after render. */
export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
