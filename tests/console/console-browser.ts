import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { startTallyProcess, type TallyProcess } from '../support/tally-process.js';

const shots = fileURLToPath(new URL('../output/console/', import.meta.url));
const consoleDir = fileURLToPath(new URL('../../dist/console/', import.meta.url));

export interface ConsoleBrowser {
  page: Page;
  url: string;
  adminToken: string;
  /** An API call with the admin token unless another is given. */
  call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  /** POSTs CloudEvents (a batch) with the admin token. */
  ingest(events: object[]): Promise<number>;
  /** A full-page screenshot into tests/output/console/. */
  shot(name: string): Promise<void>;
  /** Clicks a sidebar entry by its label. */
  nav(label: string): Promise<void>;
  signIn(token: string): Promise<void>;
  /** Runs `step` allowing the 401/403 console errors it provokes on purpose. */
  refused(step: () => Promise<void>): Promise<void>;
  /** Every console error and page error so far (Chromium logs each 4xx response as a console error). */
  problems: string[];
}

/**
 * Debian's chromium (never a downloaded browser) driven by playwright-core,
 * against `tally all` started from the sources as `make run` starts it
 * (ingest, api with the console from dist/console, the worker) on a real
 * Redis. Started before the file's tests, stopped after them.
 */
export function useConsoleBrowser(): () => ConsoleBrowser {
  let redis: TestRedis | undefined;
  let tally: TallyProcess | undefined;
  let browser: Browser | undefined;
  let session: ConsoleBrowser | undefined;
  const adminToken = `console-e2e-admin-${process.pid}-${Date.now()}`;

  before(async () => {
    assert.ok(existsSync(`${consoleDir}index.html`), 'dist/console is missing: run make build first');
    await mkdir(shots, { recursive: true });
    redis = await startRedis();
    tally = await startTallyProcess('all', {
      REDIS_URL: redis.url,
      LOG_LEVEL: 'warn',
      TALLY_REDIS_PREFIX: `console-e2e-${process.pid}-${Date.now()}:`,
      TALLY_ADMIN_TOKEN: adminToken,
      TALLY_CONSOLE_DIR: consoleDir,
      TALLY_LOG_FETCH_WAIT_MS: '10',
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'UTC', acceptDownloads: true });
    page.setDefaultTimeout(10_000);
    const url = tally.url;
    const problems: string[] = [];
    let expectRefusal = false;
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      if (expectRefusal && /status of (401|403)/.test(message.text())) return;
      problems.push(`console error: ${message.text()}`);
    });
    const call: ConsoleBrowser['call'] = async (method, path, body, token = adminToken) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
    };
    session = {
      page,
      url,
      adminToken,
      call,
      problems,
      async ingest(events) {
        const response = await fetch(`${url}/api/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/cloudevents-batch+json' },
          body: JSON.stringify(events),
        });
        return response.status;
      },
      shot: async (name) => void (await page.screenshot({ path: `${shots}${name}.png`, fullPage: true })),
      nav: (label) => page.click(`nav.sidebar a:has(.nav-label:text-is("${label}"))`),
      async signIn(token) {
        await page.fill('input[name=token]', token);
        await page.click('button[type=submit]');
        await page.waitForSelector('nav.sidebar');
      },
      async refused(step) {
        expectRefusal = true;
        try {
          await step();
        } finally {
          expectRefusal = false;
        }
      },
    };
  });

  after(async () => {
    await browser?.close();
    await tally?.stop();
    await redis?.stop();
  });

  return () => {
    if (!session) throw new Error('the console browser is not started');
    return session;
  };
}
