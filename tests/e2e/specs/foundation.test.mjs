// The foundation: open the page, upload a CSV through the file input, read what it shows;
// prove no request leaves the page's origin; a crashed worker is restarted; cancel works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStrata } from '../lib/session.mjs';
import { fixture, bigCsv } from '../lib/fixtures.mjs';

const env = useStrata();

// Each test opens the page itself (some listen to requests before it loads).
const newPage = () => env.open({ ready: false });

test('uploading a CSV shows its row count and column names', async () => {
  const { context, strata } = await newPage();
  await strata.open();
  await strata.load(fixture('people.csv'));
  assert.equal(await strata.rowCount(), 4);
  assert.deepEqual(await strata.columnNames(), ['id', 'name', 'amount', 'joined']);
  assert.deepEqual(await strata.columnTypes(), ['Int64', 'Utf8', 'Float64', 'Date32']);
  // The grid shows the rows, with the null cell marked as null.
  assert.equal(await strata.gridRowCount(), 4);
  // Cells of the second row: id, name, amount (missing), joined.
  assert.deepEqual(await strata.cellTexts(1), ['2', 'Bob', 'null', '2024-02-11']);
  strata.assertNoConsoleErrors();
  await context.close();
});

test('a whole session sends no request outside the page origin', async () => {
  const { context, page, strata } = await newPage();
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  await strata.open();
  await strata.load(fixture('people.csv'));
  await page.locator('[data-testid=reading-options] summary').click();
  await page.locator('[data-testid=opt-delimiter]').selectOption(',');
  await page.locator('[data-testid=reload]').click();
  await strata.waitLoaded('people.csv');
  for (const step of ['profile', 'validate', 'export', 'load']) await page.locator(`[data-testid=rail-${step}]`).click();
  const foreign = requests.filter((u) => !u.startsWith(env.server.origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.ok(requests.length >= 5, `expected the page's own requests to be recorded, got ${requests.length}`);
  assert.deepEqual(foreign, [], 'requests left the origin');
  // The policy itself forbids other origins: a fetch elsewhere is refused by the browser.
  const refused = await page.evaluate(async () => {
    try {
      await fetch('http://127.0.0.2:9/x');
      return false;
    } catch {
      return true;
    }
  });
  assert.equal(refused, true);
  const csp = await page.evaluate(() => document.querySelector('meta[http-equiv=Content-Security-Policy]').content);
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  await context.close();
});

test('a crash in the worker is shown, the worker restarts, and the page keeps working', async () => {
  const { context, page, strata } = await newPage();
  await strata.open();
  await page.locator('.diagnostics summary').click();
  await page.locator('[data-testid=crash-worker]').click();
  const err = await strata.error();
  assert.equal(err.kind, 'worker_crash');
  assert.match(err.message, /deliberate crash/);
  // The restarted worker loads files again.
  await strata.load(fixture('people.csv'));
  assert.equal(await strata.rowCount(), 4);
  await context.close();
});

test('progress is shown and Cancel stops a load', async () => {
  const file = bigCsv(1_500_000);
  const { context, page, strata } = await newPage();
  await strata.open();
  await strata.upload(file);
  await page.locator('[data-testid=progress-text]').filter({ hasText: 'rows' }).waitFor({ timeout: 60_000 });
  const t0 = Date.now();
  await page.locator('[data-testid=cancel]').click();
  await page.locator('[data-testid=notice]', { hasText: 'cancelled' }).waitFor({ timeout: 10_000 });
  assert.ok(Date.now() - t0 < 5_000, 'cancel took too long');
  assert.equal(await page.locator('[data-testid=load-summary]').count(), 0);
  await context.close();
});
