import { useState } from 'preact/hooks';

/**
 * Asks for a bearer token. It is checked against the API before it is kept,
 * and kept only in this tab's sessionStorage.
 */
export function SignInPage({ message, onSignIn }: { message?: string; onSignIn: (token: string) => Promise<void> }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(message);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const trimmed = token.trim();
    if (trimmed === '') return setError('Paste a Tally API token.');
    // The API's own rule (RFC 6750 b64token): anything else could never authenticate.
    if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(trimmed)) return setError('A token holds only letters, digits and - . _ ~ + / (with = at the end).');
    setBusy(true);
    setError(undefined);
    try {
      await onSignIn(trimmed);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setBusy(false);
    }
  };

  return (
    <div class="sign-in">
      <form class="sign-in-card" onSubmit={submit}>
        <div class="brand brand-large">
          <svg viewBox="0 0 32 32" aria-hidden="true">
            <rect width="32" height="32" rx="7" />
            <path d="M9 22V14M16 22V9M23 22v-5" />
          </svg>
          <span>Tally console</span>
        </div>
        <p class="muted">Sign in with an API token: a <code>read</code> token to view the feed and usage, an <code>admin</code> token to change customers and meters.</p>
        <label class="field">
          <span>API token</span>
          <input name="token" type="password" autoComplete="off" spellcheck={false} value={token} onInput={(e) => setToken(e.currentTarget.value)} autoFocus />
        </label>
        {error && (
          <div class="banner banner-error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" class="primary wide" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        <p class="fine-print">The token stays in this browser tab (session storage) and is sent only in the Authorization header.</p>
      </form>
    </div>
  );
}
