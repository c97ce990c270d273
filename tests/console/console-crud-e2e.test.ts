import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useConsoleBrowser } from './console-browser.js';

// Customers and meters pages with an admin token, then a read token's refusal (each test continues where the last left off).
const b = useConsoleBrowser();
const subject = 'acme-gateway';
const otherSubject = 'acme-batch';
let readToken: string;

test('setup: a meter, a customer, a read token; an admin signs in', async () => {
  const { page, url, adminToken, call, signIn } = b();
  const meter = await call('POST', '/api/v1/meters', { slug: 'llm_tokens', name: 'LLM tokens', aggregation: 'SUM', eventType: 'llm.tokens', valueProperty: '$.tokens', groupBy: { model: '$.model' } });
  assert.equal(meter.status, 201, JSON.stringify(meter.body));
  const customer = await call('POST', '/api/v1/customers', { name: subject, key: subject, usageAttribution: { subjectKeys: [subject, otherSubject] } });
  assert.equal(customer.status, 201, JSON.stringify(customer.body));
  const token = await call('POST', '/api/v1/tokens', { name: 'finance', scopes: ['read'] });
  assert.equal(token.status, 201);
  readToken = token.body.token;
  await page.goto(`${url}/console/`);
  await signIn(adminToken);
});

test('customers: list, search, view, edit', async () => {
  const { page, shot, nav } = b();
  await nav('Customers');
  await page.waitForSelector(`.table td:has-text("${subject}")`);
  await shot('11-customers');
  await page.selectOption('select[name=by]', 'subject');
  await page.fill('input[name=q]', 'NOBODY');
  await page.click('button:has-text("Search")');
  await page.waitForSelector('.empty:has-text("No customer matches.")');
  await page.fill('input[name=q]', otherSubject.toUpperCase());
  await page.click('button:has-text("Search")');
  await page.waitForURL(/by=subject/);
  await page.waitForSelector(`.table a:has-text("${subject}")`);
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
  const { page, call, shot, nav } = b();
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
  assert.equal((await call('GET', '/api/v1/meters/api_calls')).body.groupBy.route, '$.route');
});

test('a read token views every page, and gets a clear message when it tries to change something', async () => {
  const { page, call, shot, nav, signIn, refused } = b();
  await page.click('button:has-text("Sign out")');
  await signIn(readToken);
  for (const [label, ready] of [['Events', '.events-table'], ['Fix attribution', '.card'], ['Usage', '[data-testid=usage-total]'], ['Meters', '.table a:has-text("API calls")'], ['Customers', '.table a:has-text("ACME Gateway")']] as const) {
    await nav(label);
    await page.waitForSelector(ready);
  }
  await page.click('button:has-text("New customer")');
  await page.fill('input[name=name]', 'Initech');
  await page.fill('input[name=key]', 'initech');
  await refused(async () => {
    await page.click('button:has-text("Create customer")');
    await page.waitForSelector('.banner-error:has-text("Not allowed: this token lacks the \\"admin\\" scope")');
    await page.waitForSelector('.badge:text-is("read-only")');
  });
  await shot('17-read-only');
  assert.equal((await call('GET', '/api/v1/customers/initech')).status, 404, 'nothing was created');
});

test('no page logged a console error or threw', () => {
  const { problems } = b();
  assert.deepEqual(problems, []);
});
