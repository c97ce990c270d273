// The token lives only in this tab's sessionStorage: never in a URL, a cookie or localStorage.
const storageKey = 'tally.console.token';

export function loadToken(): string | undefined {
  return sessionStorage.getItem(storageKey) ?? undefined;
}

export function saveToken(token: string): void {
  sessionStorage.setItem(storageKey, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(storageKey);
}
