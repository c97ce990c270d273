/** A failed API call, with the problem+json detail the server sent. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(describe(status, detail));
    this.name = 'ApiError';
  }
}

function describe(status: number, detail: string): string {
  if (status === 403) return `Not allowed: ${detail}.${detail.includes('"admin"') ? ' Sign in with an admin token to make changes.' : ''}`;
  if (status === 401) return `Signed out: ${detail}.`;
  if (status === 0) return `Tally is unreachable: ${detail}`;
  return detail;
}

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export function toSearch(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(name, item);
    else params.append(name, String(value));
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

/**
 * Every call carries the bearer token in the Authorization header. A 401
 * means the token was revoked or is unknown: the console signs out. A 403
 * tells the console the token may only read.
 */
export function createApiClient({ token, onUnauthenticated, onForbidden }: { token: string; onUnauthenticated: (message: string) => void; onForbidden?: () => void }): ApiClient {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch (error) {
      throw new ApiError(0, error instanceof Error ? error.message : String(error));
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const parsed = text === '' ? undefined : safeParse(text);
    if (!response.ok) {
      const detail = (parsed as { detail?: unknown } | undefined)?.detail;
      const error = new ApiError(response.status, typeof detail === 'string' ? detail : `${response.status} ${response.statusText}`);
      if (response.status === 401) onUnauthenticated(error.message);
      if (response.status === 403) onForbidden?.();
      throw error;
    }
    return parsed as T;
  }
  return {
    get: (path, query) => call(`GET`, `${path}${toSearch(query)}`),
    send: (method, path, body) => call(method, path, body),
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 200) };
  }
}

/** Checks a token before it is kept: it must at least read (401 and 403 say why not). */
export async function checkToken(token: string): Promise<void> {
  await createApiClient({ token, onUnauthenticated: () => undefined }).get('/api/v1/meters');
}
