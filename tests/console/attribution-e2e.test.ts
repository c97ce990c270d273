import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { useConsoleBrowser } from './console-browser.js';

// The operator's path through the console, in order (each test continues where the last left off):
// events for unknown subjects → the errors in the feed → the fix → the replayed usage.
const b = useConsoleBrowser();
const subject = 'acme-gateway';
const tokens = [10, 20, 30, 40, 50, 60];
const models = ['gpt-4o', 'claude', 'gpt-4o', 'claude', 'gpt-4o', 'claude'];
// A second unknown subject, fixed by adding it to the first one's customer.
const second = { subject: 'acme-batch', tokens: [5, 7], model: 'gpt-4o' };
const allEvents = tokens.length + second.tokens.length;
// Ingested while the events page is open; never attributed.
const liveSubject = 'live-probe';

test('setup: a meter, and events for two subjects no customer claims', async () => {
  const { call, ingest } = b();
  const meter = await call('POST', '/api/v1/meters', {
    slug: 'llm_tokens',
    name: 'LLM tokens',
    aggregation: 'SUM',
    eventType: 'llm.tokens',
    valueProperty: '$.tokens',
    groupBy: { model: '$.model' },
  });
  assert.equal(meter.status, 201, JSON.stringify(meter.body));
  const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
  const event = (id: string, eventSubject: string, time: string, data: object) => ({ specversion: '1.0', id, source: 'gateway-eu', type: 'llm.tokens', subject: eventSubject, time, data });
  const events = [
    ...tokens.map((n, i) => event(`e2e-${i}`, subject, minutesAgo(i + 1), { tokens: n, model: models[i] })),
    ...second.tokens.map((n, i) => event(`e2e-batch-${i}`, second.subject, minutesAgo(tokens.length + i + 1), { tokens: String(n), model: second.model })),
  ];
  assert.equal(await ingest(events), 204);
});

test('sign-in keeps the token out of the URL and in sessionStorage', async () => {
  const { page, url, adminToken, shot, refused } = b();
  await page.goto(`${url}/console/`);
  await page.waitForSelector('input[name=token]');
  await shot('01-sign-in');
  await page.fill('input[name=token]', 'not-a-real-token-value');
  await refused(async () => {
    await page.click('button[type=submit]');
    await page.waitForSelector('.sign-in .banner-error:has-text("unknown or revoked token")');
  });
  await page.fill('input[name=token]', adminToken);
  await page.click('button[type=submit]');
  await page.waitForSelector('.events-table');
  assert.ok(!page.url().includes(adminToken), 'the token is not in the URL');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('tally.console.token')), adminToken);
  assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
  // A reload keeps the tab signed in; an unknown page falls back to the events.
  await page.goto(`${url}/console/nowhere`);
  await page.waitForURL(`${url}/console/events`);
  await page.waitForSelector('.events-table');
});

test('events: the live tail shows each error and new arrivals; a row opens the raw event', async () => {
  const { page, url, adminToken, call, shot } = b();
  const row = page.locator(`.events-table tbody tr:has-text("no customer found for event subject: ${subject}")`);
  await row.first().waitFor();
  assert.equal(await row.count(), tokens.length);
  await page.check('input[name=errors]');
  await page.waitForSelector('.events-table[data-view="errors=1"]');
  await shot('02-events');

  // The page refreshes itself: an event ingested now shows up on top, flashed as new.
  const probe = { specversion: '1.0', id: 'e2e-live', source: 'gateway-eu', type: 'llm.tokens', subject: liveSubject, data: { tokens: 1 } };
  const sent = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify(probe),
  });
  assert.equal(sent.status, 204);
  await page.waitForSelector(`.events-table tbody tr.row-new:first-child:has-text("${liveSubject}")`);

  await page.locator('.events-table tbody tr').first().click();
  const raw = JSON.parse((await page.locator('[data-testid=raw-event]').textContent()) ?? '');
  const [newest] = (await call('GET', '/api/v1/events?limit=1')).body;
  assert.deepEqual(raw, newest.event, 'the first row is the newest record, shown raw');
  assert.equal(raw.id, probe.id);
  await shot('03-event-raw');
  await page.click('.drawer a:has-text("Fix attribution for")');
  await page.waitForURL(`${url}/console/attribution?subject=${liveSubject}`);
  await page.waitForSelector(`tr.row-highlight[data-subject="${liveSubject}"]`);
});

test('fix attribution: create a customer, or add to one, in two clicks; the parked events are replayed', async () => {
  const { page, call, shot, nav } = b();
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
  const customers = await call('GET', `/api/v1/customers?subject=${subject}`);
  assert.deepEqual(customers.body.items.map((c: { key: string }) => c.key), [subject]);

  const other = page.locator(`tr[data-subject="${second.subject}"]`);
  await page.waitForSelector(`tr[data-subject="${second.subject}"] [data-testid=parked-count]:text-is("${second.tokens.length}")`);
  await other.locator('button:has-text("Add to customer")').click();
  await page.waitForSelector('.modal .pick-list');
  await shot('07-attribution-add');
  await page.click(`.modal .pick-list button:has-text("${subject}")`);
  await page.waitForSelector(`tr[data-claimed="${second.subject}"] [data-testid=still-parked]:has-text("all replayed")`);
  assert.equal(await other.count(), 0, 'the second subject left the list too');
  const owner = await call('GET', `/api/v1/customers/${subject}`);
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
  const { page, shot } = b();
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

test('no page logged a console error or threw', () => {
  const { problems } = b();
  assert.deepEqual(problems, []);
});
