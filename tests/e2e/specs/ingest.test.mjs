// Ingest through the real page: sniffed semicolon Latin-1 file, the d/m date prompt, the
// ragged-row report, a zstd Parquet file whose footer is shown, and a virtual grid over many rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { useStrata } from '../lib/session.mjs';
import { fixture, bigCsv } from '../lib/fixtures.mjs';

const env = useStrata();

const open = () => env.open();

test('a semicolon Windows-1252 file is sniffed, shown, and can be overridden', async () => {
  const { context, page, strata } = await open();
  await strata.load(fixture('semicolon_latin1.csv'));
  await assert.doesNotReject(page.locator('[data-testid=dialect-encoding]', { hasText: 'Windows-1252' }).waitFor());
  assert.match(await page.locator('[data-testid=dialect-delimiter]').innerText(), /semicolon/);
  assert.deepEqual(await strata.columnNames(), ['kunde', 'stadt', 'betrag', 'datum']);
  assert.deepEqual((await strata.cellTexts(0)).slice(0, 2), ['Müller', 'Köln']);
  // Override: no header row. The load re-runs and the first row becomes data.
  await strata.openReadingOptions();
  await page.locator('[data-testid=opt-header]').selectOption('no');
  await page.locator('[data-testid=reload]').click();
  await page.locator('[data-testid=dialect-header]', { hasText: 'none' }).waitFor();
  assert.equal(await strata.rowCount(), 4);
  assert.deepEqual(await strata.columnNames(), ['column_1', 'column_2', 'column_3', 'column_4']);
  await context.close();
});

test('dates that fit d/m/y and m/d/y are asked about, and the choice is applied', async () => {
  const { context, page, strata } = await open();
  await strata.load(fixture('dates_ambiguous.csv'));
  const prompt = page.locator('[data-testid=ambiguity]');
  await prompt.waitFor();
  assert.match(await prompt.innerText(), /order_date/);
  assert.match(await prompt.innerText(), /01\/02\/2024/);
  assert.deepEqual(await strata.columnTypes(), ['Int64', 'Utf8', 'Int64']);
  await prompt.locator('[data-testid=choose-dmy]').click();
  await page.locator('[data-testid=ambiguity]').waitFor({ state: 'detached' });
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=column-name] .badge')].some((b) => b.title === 'Date32'));
  assert.deepEqual(await strata.columnTypes(), ['Int64', 'Date32', 'Int64']);
  // 01/02/2024 read day-first is the 1st of February.
  assert.equal((await strata.cellTexts(0))[1], '2024-02-01');
  await context.close();
});

test('a column type can be overridden and the file is read again', async () => {
  const { context, page, strata } = await open();
  await strata.load(fixture('people.csv'));
  assert.deepEqual(await strata.columnTypes(), ['Int64', 'Utf8', 'Float64', 'Date32']);
  await page.locator('[data-testid=column-types] summary').click();
  await page.locator('[data-testid=type-override][data-column=id]').selectOption('string');
  await page.waitForFunction(() => document.querySelector('[data-testid=column-name] .badge')?.title === 'Utf8');
  assert.deepEqual(await strata.columnTypes(), ['Utf8', 'Utf8', 'Float64', 'Date32']);
  assert.equal(await strata.rowCount(), 4);
  await context.close();
});

test('ragged rows are reported with line numbers and kept out of the table', async () => {
  const { context, page, strata } = await open();
  await strata.load(fixture('invalid/ragged.csv'));
  assert.equal(await strata.rowCount(), 2);
  assert.equal(await page.locator('[data-testid=load-error-count]').innerText(), '2');
  const lines = await page.locator('[data-testid=load-error-line]').allInnerTexts();
  const messages = await page.locator('[data-testid=load-error-message]').allInnerTexts();
  assert.deepEqual(lines, ['3', '4']);
  assert.deepEqual(messages, ['expected 3 fields, found 2', 'expected 3 fields, found 4']);
  // Padding short rows instead keeps line 3.
  await strata.openReadingOptions();
  await page.locator('[data-testid=opt-ragged-pad]').check();
  await page.locator('[data-testid=reload]').click();
  await page.locator('[data-testid=row-count]', { hasText: '3' }).waitFor();
  assert.equal(await page.locator('[data-testid=load-error-count]').innerText(), '1');
  await context.close();
});

test('a broken file shows a clear message with its location and the page keeps working', async () => {
  const { context, strata } = await open();
  await strata.upload(fixture('invalid/unterminated_quote.csv'));
  const err = await strata.error();
  assert.equal(err.kind, 'unterminated_quote');
  assert.match(err.message, /quote opened on line 3/);
  await strata.load(fixture('people.csv'));
  assert.equal(await strata.rowCount(), 4);
  await context.close();
});

test('a zstd Parquet file shows its footer metadata and its data', async () => {
  const { context, page, strata } = await open();
  await strata.load(fixture('parquet/orders_zstd.parquet'));
  const meta = page.locator('[data-testid=parquet-meta]');
  await meta.waitFor();
  assert.equal(await meta.locator('[data-testid=parquet-rows]').innerText(), '60');
  assert.equal(await meta.locator('[data-testid=parquet-row-groups]').innerText(), '3');
  assert.match(await meta.locator('[data-testid=parquet-codec]').innerText(), /ZSTD/);
  assert.equal(await strata.rowCount(), 60);
  const row = await strata.cellTexts(1);
  assert.deepEqual(row.slice(0, 6), ['2', 'bob', '7.01', '2024-01-01T16:30:00Z', '[bulk, b2b]', '{city: Oslo, zip: 1001}']);
  await context.close();
});

test('the grid keeps only visible rows in the DOM and scrolls to the last row', async () => {
  const file = bigCsv(200_000);
  const { context, page, strata } = await open();
  await strata.load(file);
  assert.equal(await strata.rowCount(), 200_000);
  const inDom = await strata.gridRowCount();
  assert.ok(inDom > 5 && inDom < 40, `rows in the DOM: ${inDom}`);
  await page.locator('.grid-viewport').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await page.locator('[data-testid=grid-row] th', { hasText: '200,000' }).waitFor({ timeout: 20_000 });
  const last = await page.locator('[data-testid=grid-row]').last();
  assert.equal((await last.locator('td').first().innerText()), '199999');
  await context.close();
});

test('a file of several 8 MB pieces is hashed on the second core to the same SHA-256, also after a cancelled load, and read there for the load', async () => {
  const big = bigCsv(1_500_000);
  const file = bigCsv(400_000);
  const expected = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  assert.ok(fs.statSync(file).size > 2 * 8 * 1024 * 1024, 'the file spans several hash pieces');
  const { context, page, strata } = await open();
  // A load cancelled while the hash worker is busy with it stops that worker; the next load
  // starts a fresh one.
  await strata.upload(big);
  await page.locator('[data-testid=progress-text]').filter({ hasText: 'rows' }).waitFor({ timeout: 60_000 });
  await page.locator('[data-testid=cancel]').click();
  await page.locator('[data-testid=notice]', { hasText: 'cancelled' }).waitFor({ timeout: 10_000 });
  await strata.load(file);
  assert.equal(await strata.rowCount(), 400_000);
  assert.equal((await page.locator('[data-testid=sha256]').innerText()).trim(), expected);
  // The hash worker runs beside the worker (the page's policy allows it: worker-src 'self').
  const hashWorkers = [];
  for (const w of page.workers()) if ((await w.evaluate(() => self.name)) === 'strata-hash') hashWorkers.push(w);
  assert.equal(hashWorkers.length, 1, 'one hash worker');
  // It is ready now: the next text load is read by it and relayed to the load in pieces of 1,
  // 2, 4 and 8 MB, hashed on the way.
  const relays = async () => (await hashWorkers[0].evaluate(() => self.strataJobs?.relay)) ?? 0;
  const before = await relays();
  const third = bigCsv(300_000);
  await strata.load(third);
  assert.equal(await strata.rowCount(), 300_000);
  const thirdSha = crypto.createHash('sha256').update(fs.readFileSync(third)).digest('hex');
  assert.equal((await page.locator('[data-testid=sha256]').innerText()).trim(), thirdSha);
  assert.equal(await relays(), before + 1, 'the load was relayed by the hash worker');
  strata.assertNoConsoleErrors();
  await context.close();
});

test('a hash worker that fails in the middle of relaying a file: the load reads the rest itself and still records the right SHA-256', async () => {
  const first = bigCsv(300_000);
  const file = bigCsv(400_000);
  const expected = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const { context, page, strata } = await open();
  await strata.load(first);
  const hashWorker = (await Promise.all(page.workers().map(async (w) => ((await w.evaluate(() => self.name)) === 'strata-hash' ? w : null)))).find(Boolean);
  assert.ok(hashWorker, 'the hash worker runs');
  // Listening (its wasm set the handler) before it is sabotaged.
  for (let i = 0; i < 200 && !(await hashWorker.evaluate(() => typeof self.onmessage === 'function')); i++) await new Promise((r) => setTimeout(r, 50));
  // Its handler now takes the relay and one request for more (1 + 2 + 4 + 8 MB of the 22 MB
  // file), then throws, as a crashed worker would.
  await hashWorker.evaluate(() => {
    const serve = self.onmessage;
    let seen = 0;
    self.onmessage = (e) => {
      if (Array.isArray(e.data) && (e.data[1] === 'relay' || e.data[1] === 'more') && ++seen > 2) throw new Error('injected hash worker failure');
      return serve(e);
    };
  });
  const closed = new Promise((resolve) => hashWorker.once('close', resolve));
  await strata.load(file);
  assert.equal(await strata.rowCount(), 400_000);
  assert.equal((await page.locator('[data-testid=sha256]').innerText()).trim(), expected);
  // The failed worker was stopped (the next load starts a fresh one): so the load did go through
  // the relay and its failure.
  const outcome = await Promise.race([closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still running'), 30_000))]);
  assert.equal(outcome, 'closed', 'the failed hash worker is stopped');
  strata.assertNoConsoleErrors();
  await context.close();
});
