import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { startTallyProcess, type TallyProcess } from './tally-process.js';

// One operator session through every page, in order: each test continues where the last one left off.
const shots = fileURLToPath(new URL('../output/console/', import.meta.url));
const consoleIndex = fileURLToPath(new URL('../../dist/console/index.html', import.meta.url));
const subject = 'acme-gateway';
const tokens = [10, 20, 30, 40, 50, 60];
const models = ['gpt-4o', 'claude', 'gpt-4o', 'claude', 'gpt-4o', 'claude'];
// A second unknown subject, fixed by adding it to the first one's customer.
const second = { subject: 'acme-batch', tokens: [5, 7], model: 'gpt-4o' };
const allEvents = tokens.length + second.tokens.length;
// Ingested while the events page is open; never attributed.
const liveSubject = 'live-probe';

let redis: TestRedis;
let tally: TallyProcess;
let browser: Browser;
let page: Page;
let readToken: string;
const problems: string[] = [];
// Chromium logs every 4xx response as a console error; only the 401 and 403 the tests provoke on purpose are expected.
let expectRefusal = false;

before(async () => {
  assert.ok(existsSync(consoleIndex), 'dist/console is missing: run make build first');
  await mkdir(shots, { recursive: true });
  redis = await startRedis();
  tally = await startTallyProcess(redis.url);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'UTC', acceptDownloads: true });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (expectRefusal && /status of (401|403)/.test(message.text())) return;
    problems.push(`console error: ${message.text()}`);
  });
  page.setDefaultTimeout(10_000);
});

after(async () => {
  await browser?.close();
  await tally?.stop();
  await redis?.stop();
});

const shot = (name: string) => page.screenshot({ path: `${shots}${name}.png`, fullPage: true });
const nav = (label: string) => page.click(`nav.sidebar a:has(.nav-label:text-is("${label}"))`);

test('setup: a meter, a read token, and events for two subjects no customer claims', async () => {
  const meter = await tally.call('POST', '/api/v1/meters', {
    slug: 'llm_tokens',
    name: 'LLM tokens',
    aggregation: 'SUM',
    eventType: 'llm.tokens',
    valueProperty: '$.tokens',
    groupBy: { model: '$.model' },
  });
  assert.equal(meter.status, 201, JSON.stringify(meter.body));
  const token = await tally.call('POST', '/api/v1/tokens', { name: 'finance', scopes: ['read'] });
  assert.equal(token.status, 201);
  readToken = token.body.token;
  const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
  const event = (id: string, eventSubject: string, time: string, data: object) => ({ specversion: '1.0', id, source: 'gateway-eu', type: 'llm.tokens', subject: eventSubject, time, data });
  const events = [
    ...tokens.map((n, i) => event(`e2e-${i}`, subject, minutesAgo(i + 1), { tokens: n, model: models[i] })),
    ...second.tokens.map((n, i) => event(`e2e-batch-${i}`, second.subject, minutesAgo(tokens.length + i + 1), { tokens: String(n), model: second.model })),
  ];
  const response = await fetch(`${tally.baseUrl}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tally.adminToken}`, 'content-type': 'application/cloudevents-batch+json' },
    body: JSON.stringify(events),
  });
  assert.equal(response.status, 204, await response.text());
});

test('sign-in keeps the token out of the URL and in sessionStorage', async () => {
  await page.goto(`${tally.baseUrl}/console/`);
  await page.waitForSelector('input[name=token]');
  await shot('01-sign-in');
  await page.fill('input[name=token]', 'not-a-real-token-value');
  expectRefusal = true;
  await page.click('button[type=submit]');
  await page.waitForSelector('.sign-in .banner-error:has-text("unknown or revoked token")');
  expectRefusal = false;
  await page.fill('input[name=token]', tally.adminToken);
  await page.click('button[type=submit]');
  await page.waitForSelector('.events-table');
  assert.ok(!page.url().includes(tally.adminToken), 'the token is not in the URL');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('tally.console.token')), tally.adminToken);
  assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
  // A reload keeps the tab signed in; an unknown page falls back to the events.
  await page.goto(`${tally.baseUrl}/console/nowhere`);
  await page.waitForURL(`${tally.baseUrl}/console/events`);
  await page.waitForSelector('.events-table');
});

test('events: the live tail shows each error and new arrivals; a row opens the raw event', async () => {
  const row = page.locator(`.events-table tbody tr:has-text("no customer found for event subject: ${subject}")`);
  await row.first().waitFor();
  assert.equal(await row.count(), tokens.length);
  await page.check('input[name=errors]');
  await page.waitForSelector('.events-table[data-view="errors=1"]');
  await shot('02-events');

  // The page refreshes itself: an event ingested now shows up on top, flashed as new.
  const probe = { specversion: '1.0', id: 'e2e-live', source: 'gateway-eu', type: 'llm.tokens', subject: liveSubject, data: { tokens: 1 } };
  const sent = await fetch(`${tally.baseUrl}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tally.adminToken}`, 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify(probe),
  });
  assert.equal(sent.status, 204);
  await page.waitForSelector(`.events-table tbody tr.row-new:first-child:has-text("${liveSubject}")`);

  await page.locator('.events-table tbody tr').first().click();
  const raw = JSON.parse((await page.locator('[data-testid=raw-event]').textContent()) ?? '');
  const [newest] = (await tally.call('GET', '/api/v1/events?limit=1')).body;
  assert.deepEqual(raw, newest.event, 'the first row is the newest record, shown raw');
  assert.equal(raw.id, probe.id);
  await shot('03-event-raw');
  await page.click('.drawer a:has-text("Fix attribution for")');
  await page.waitForURL(`${tally.baseUrl}/console/attribution?subject=${liveSubject}`);
  await page.waitForSelector(`tr.row-highlight[data-subject="${liveSubject}"]`);
});

test('fix attribution: create a customer, or add to one, in two clicks; the parked events are replayed', async () => {
  const open = page.locator(`tr[data-subject="${subject}"]`);
  await page.waitForSelector(`tr[data-subject="${subject}"] [data-testid=parked-count]:text-is("${tokens.length}")`);
  await shot('04-attribution');
  await open.locator('button:has-text("Create customer")').click();
  await page.waitForSelector('.modal');
  await shot('05-attribution-create');
  await page.click('.modal button[type=submit]');
  await page.waitForSelector(`.banner-success:has-text('now owns subject "${subject}"')`);
  await page.waitForSelector(`tr[data-claimed="${subject}"] [data-testid=still-parked]:has-text("all replayed")`);
  assert.equal(await open.count(), 0, 'the subject left the list of unattributed subjects');
  await shot('06-attribution-fixed');
  const customers = await tally.call('GET', `/api/v1/customers?subject=${subject}`);
  assert.deepEqual(customers.body.items.map((c: { key: string }) => c.key), [subject]);

  const other = page.locator(`tr[data-subject="${second.subject}"]`);
  await page.waitForSelector(`tr[data-subject="${second.subject}"] [data-testid=parked-count]:text-is("${second.tokens.length}")`);
  await other.locator('button:has-text("Add to customer")').click();
  await page.waitForSelector('.modal .pick-list');
  await shot('07-attribution-add');
  await page.click(`.modal .pick-list button:has-text("${subject}")`);
  await page.waitForSelector(`tr[data-claimed="${second.subject}"] [data-testid=still-parked]:has-text("all replayed")`);
  assert.equal(await other.count(), 0, 'the second subject left the list too');
  const owner = await tally.call('GET', `/api/v1/customers/${subject}`);
  assert.deepEqual(owner.body.usageAttribution.subjectKeys, [subject, second.subject]);

  // The old errors stay in the feed, each marked as superseded: by its replayed record, or (errors only) by the claim.
  await nav('Events');
  await page.waitForSelector(`.events-table tr.row-error .pill:text-is("replayed since") >> nth=${allEvents - 1}`);
  assert.equal(await page.locator('.events-table tbody tr').count(), 2 * allEvents + 1, 'each event: its error, then its replay; and the live probe');
  await shot('08-events-after-fix');
  await page.check('input[name=errors]');
  await page.waitForSelector(`.events-table .pill:text-is("subject claimed by ${subject} since") >> nth=${tokens.length - 1}`);
  await nav('Fix attribution');
  await page.waitForSelector(`tr[data-claimed="${subject}"]`);
});

test('usage: the chart shows the replayed usage, with totals, breakdown and CSV of what is shown', async () => {
  await page.click(`tr[data-claimed="${subject}"] a:has-text("View usage")`);
  await page.waitForURL(/\/console\/usage\?customer=/);
  const total = [...tokens, ...second.tokens].reduce((a, b) => a + b, 0);
  await page.waitForSelector(`[data-testid=usage-total]:text-is("${total}")`);
  await page.waitForSelector('[data-testid=usage-chart] canvas');
  await shot('09-usage');

  await page.selectOption('select[name=groupBy]', 'model');
  await page.waitForSelector('[data-testid=group-totals]');
  const groupTotals = await page.locator('[data-testid=group-totals] tbody tr').allTextContents();
  assert.deepEqual(groupTotals, ['claude120', 'gpt-4o102']);
  await page.click('button[name=window-MINUTE]');
  await page.waitForURL(/window=MINUTE/);
  await page.waitForSelector(`[data-testid=usage-rows] tbody tr >> nth=${allEvents - 1}`);
  await page.selectOption('select[name=tz]', 'Asia/Kolkata');
  await page.waitForSelector('[data-testid=usage-rows] th:has-text("Asia/Kolkata")');
  await shot('10-usage-breakdown');

  const shownRows = await page.locator('[data-testid=usage-rows] tbody tr').count();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Download CSV")')]);
  assert.equal(download.suggestedFilename(), 'llm_tokens.csv');
  const lines = (await readFile(await download.path(), 'utf8')).trim().split('\r\n');
  assert.equal(lines[0], 'window_start,window_end,model,value');
  assert.equal(lines.length - 1, shownRows, 'one CSV line per row shown');
  assert.equal(lines.slice(1).reduce((sum, line) => sum + Number(line.split(',').at(-1)), 0), total);
  assert.match(lines[1] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:00(\.000)?\+05:30,/, 'windows carry the zone offset');
});

test('customers: list, view, edit', async () => {
  await nav('Customers');
  await page.waitForSelector(`.table td:has-text("${subject}")`);
  await shot('11-customers');
  await page.click(`.table a:has-text("${subject}")`);
  await page.waitForSelector('.facts');
  await page.click('button:has-text("Edit")');
  await page.fill('input[name=name]', 'ACME Gateway');
  await page.fill('textarea[name=subjectKeys]', `${subject}\nacme-eu`);
  await shot('12-customer-edit');
  await page.click('button:has-text("Save changes")');
  await page.waitForSelector('h1:text-is("ACME Gateway")');
  await page.waitForSelector('.chip:text-is("acme-eu")');
  await shot('13-customer');
});

test('meters: list, create, view, edit', async () => {
  await nav('Meters');
  await page.waitForSelector('.table a:has-text("LLM tokens")');
  await shot('14-meters');
  await page.click('button:has-text("New meter")');
  await page.fill('input[name=slug]', 'api_calls');
  await page.selectOption('select[name=aggregation]', 'COUNT');
  assert.ok(await page.isDisabled('input[name=valueProperty]'), 'COUNT takes no value property');
  await page.fill('input[name=eventType]', 'api.request');
  await page.click('button:has-text("Add dimension")');
  await page.fill('input[aria-label=Dimension]', 'route');
  await page.fill('input[aria-label=JSONPath]', '$.route');
  await shot('15-meter-new');
  await page.click('button:has-text("Create meter")');
  await page.waitForURL(/\/console\/meters\/api_calls$/);
  await page.click('button:has-text("Edit")');
  await page.fill('input[name=name]', 'API calls');
  await page.click('button:has-text("Save changes")');
  await page.waitForSelector('h1:text-is("API calls")');
  await shot('16-meter');
  assert.equal((await tally.call('GET', '/api/v1/meters/api_calls')).body.groupBy.route, '$.route');
});

test('a read token views everything and gets a clear message when it tries to change something', async () => {
  await page.click('button:has-text("Sign out")');
  await page.fill('input[name=token]', readToken);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav.sidebar');
  await nav('Customers');
  await page.click('button:has-text("New customer")');
  await page.fill('input[name=name]', 'Initech');
  await page.fill('input[name=key]', 'initech');
  expectRefusal = true;
  await page.click('button:has-text("Create customer")');
  await page.waitForSelector('.banner-error:has-text("Not allowed: this token lacks the \\"admin\\" scope")');
  await page.waitForSelector('.badge:text-is("read-only")');
  expectRefusal = false;
  await shot('17-read-only');
  assert.equal((await tally.call('GET', '/api/v1/customers/initech')).status, 404, 'nothing was created');
});

test('no page logged a console error or threw', () => {
  assert.deepEqual(problems, []);
});
