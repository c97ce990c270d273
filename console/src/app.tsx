import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, checkToken, createApiClient } from './api/api-client.js';
import { AttributionPage } from './attribution/attribution-page.js';
import { CustomersPage } from './customers/customers-page.js';
import { EventsPage } from './events/events-page.js';
import { Layout } from './layout.js';
import { MetersPage } from './meters/meters-page.js';
import { Redirect, useRoute } from './router.js';
import { clearToken, loadToken, saveToken } from './session.js';
import { SignInPage } from './sign-in/sign-in-page.js';
import { SessionContext, type Session } from './ui/api-context.js';
import { UsagePage } from './usage/usage-page.js';

type State = { kind: 'checking' } | { kind: 'signed-out'; message?: string } | { kind: 'signed-in'; token: string };

export function App() {
  const [state, setState] = useState<State>(() => (loadToken() ? { kind: 'checking' } : { kind: 'signed-out' }));
  // Learnt from the first 403 rather than probed, so a read-only session makes no failing request of its own.
  const [readOnly, setReadOnly] = useState(false);
  const route = useRoute();

  const signOut = useCallback((message?: string) => {
    clearToken();
    setState({ kind: 'signed-out', message });
  }, []);

  const signIn = useCallback(async (token: string) => {
    await checkToken(token);
    saveToken(token);
    setReadOnly(false);
    setState({ kind: 'signed-in', token });
  }, []);

  useEffect(() => {
    const token = loadToken();
    if (state.kind !== 'checking' || !token) return;
    signIn(token).catch((error: unknown) => signOut(error instanceof ApiError ? error.message : String(error)));
  }, []);

  const api = useMemo(
    () => (state.kind === 'signed-in' ? createApiClient({ token: state.token, onUnauthenticated: signOut, onForbidden: () => setReadOnly(true) }) : undefined),
    [state],
  );
  const session = useMemo<Session | undefined>(() => (api ? { api, readOnly } : undefined), [api, readOnly]);

  if (state.kind === 'checking') return <div class="splash">Checking your token…</div>;
  if (!session) return <SignInPage message={state.kind === 'signed-out' ? state.message : undefined} onSignIn={signIn} />;

  const [, section = 'events', ...rest] = route.path.split('/');
  return (
    <SessionContext.Provider value={session}>
      <Layout section={section} readOnly={session.readOnly} onSignOut={() => signOut()}>
        <Page section={section} rest={rest} query={route.query} />
      </Layout>
    </SessionContext.Provider>
  );
}

function Page({ section, rest, query }: { section: string; rest: string[]; query: URLSearchParams }) {
  switch (section) {
    case 'events':
      return <EventsPage query={query} />;
    case 'attribution':
      return <AttributionPage query={query} />;
    case 'usage':
      return <UsagePage query={query} />;
    case 'customers':
      return <CustomersPage id={rest[0]} mode={rest[1]} query={query} />;
    case 'meters':
      return <MetersPage id={rest[0]} mode={rest[1]} />;
    default:
      return <Redirect to="/events" />;
  }
}
