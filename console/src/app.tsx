import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, createApiClient, probeToken } from './api/api-client.js';
import { AttributionPage } from './attribution/attribution-page.js';
import { CustomersPage } from './customers/customers-page.js';
import { EventsPage } from './events/events-page.js';
import { Layout } from './layout.js';
import { MetersPage } from './meters/meters-page.js';
import { navigate, useRoute } from './router.js';
import { clearToken, loadToken, saveToken } from './session.js';
import { SignInPage } from './sign-in/sign-in-page.js';
import { SessionContext, type Session } from './ui/api-context.js';
import { UsagePage } from './usage/usage-page.js';

type State = { kind: 'checking' } | { kind: 'signed-out'; message?: string } | { kind: 'signed-in'; token: string; admin: boolean };

export function App() {
  const [state, setState] = useState<State>(() => (loadToken() ? { kind: 'checking' } : { kind: 'signed-out' }));
  const route = useRoute();

  const signOut = useCallback((message?: string) => {
    clearToken();
    setState({ kind: 'signed-out', message });
  }, []);

  const signIn = useCallback(async (token: string) => {
    const { admin } = await probeToken(token);
    saveToken(token);
    setState({ kind: 'signed-in', token, admin });
  }, []);

  useEffect(() => {
    const token = loadToken();
    if (state.kind !== 'checking' || !token) return;
    signIn(token).catch((error: unknown) => signOut(error instanceof ApiError ? error.message : String(error)));
  }, []);

  const session = useMemo<Session | undefined>(
    () =>
      state.kind === 'signed-in'
        ? { api: createApiClient({ token: state.token, onUnauthenticated: (message) => signOut(message) }), admin: state.admin }
        : undefined,
    [state],
  );

  if (state.kind === 'checking') return <div class="splash">Checking your token…</div>;
  if (!session) return <SignInPage message={state.kind === 'signed-out' ? state.message : undefined} onSignIn={signIn} />;

  const [, section = 'events', ...rest] = route.path.split('/');
  return (
    <SessionContext.Provider value={session}>
      <Layout section={section} admin={session.admin} onSignOut={() => signOut()}>
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
      navigate('/events', { replace: true });
      return null;
  }
}
