/** Small HTTP helpers for setting up bench data through Tally's own API (never behind its back). */
export interface HttpClient {
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; text: string }>;
}

export function createHttpClient(baseUrl: string, token: string): HttpClient {
  return {
    async request(method, path, body, contentType = 'application/json') {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, text: await response.text() };
    },
  };
}

/** Runs `task(0..count-1)` with at most `concurrency` in flight; the first failure stops the run. */
export async function forEachConcurrently(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/** Throws with the answer when the status is not the expected one. */
export function expectStatus(answer: { status: number; text: string }, expected: number, what: string): void {
  if (answer.status !== expected) throw new Error(`${what}: expected ${expected}, got ${answer.status}: ${answer.text.slice(0, 300)}`);
}
