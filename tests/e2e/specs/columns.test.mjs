// Derived steps through the real page: choose, reorder and rename columns in the Clean panel,
// see what changed, download the new dataset as CSV and Parquet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStrata } from '../lib/session.mjs';
import { fixture } from '../lib/fixtures.mjs';

const env = useStrata();

test('dropping, reordering and renaming columns makes a new dataset that downloads as CSV and Parquet', async () => {
  const { context, page, strata } = await env.open();
  await strata.load(fixture('people.csv'));
  await strata.openStep('clean');
  const tool = page.locator('[data-testid=columns-tool]');
  await tool.locator('[data-testid=keep-joined]').uncheck();
  await tool.locator('[data-testid=rename-name]').fill('full_name');
  await tool.locator('[data-testid=rename-name]').dispatchEvent('change');
  // Move amount above name with the keyboard; the focus stays on the moved row's arrow.
  const up = tool.locator('[data-testid=up-amount]');
  assert.equal(await up.getAttribute('aria-label'), 'Move amount up');
  assert.ok(await tool.locator('[data-testid=up-id]').isDisabled(), 'the first row cannot move up');
  assert.ok(await tool.locator('[data-testid=down-joined]').isDisabled(), 'the last row cannot move down');
  await up.focus();
  await page.keyboard.press('Enter');
  const order = async (want) => {
    await page.waitForFunction(
      (w) => [...document.querySelectorAll('[data-testid=columns-row]')].map((r) => r.dataset.column).join() === w,
      want.join(),
      { timeout: 10_000 },
    ).catch(() => {});
    return tool.locator('[data-testid=columns-row]').evaluateAll((rows) => rows.map((r) => r.dataset.column));
  };
  assert.deepEqual(await order(['id', 'amount', 'name', 'joined']), ['id', 'amount', 'name', 'joined']);
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'up-amount');
  assert.equal(await tool.locator('[data-testid=rename-name]').inputValue(), 'full_name', 'the rename moved with its row');
  // Down and back up: the same order.
  await tool.locator('[data-testid=down-id]').click();
  assert.deepEqual(await order(['amount', 'id', 'name', 'joined']), ['amount', 'id', 'name', 'joined']);
  await tool.locator('[data-testid=up-id]').click();
  assert.deepEqual(await order(['id', 'amount', 'name', 'joined']), ['id', 'amount', 'name', 'joined']);
  await tool.locator('[data-testid=columns-output]').fill('people_slim');
  await tool.locator('[data-testid=columns-apply]').click();
  const summary = await strata.stepSummary(tool);
  assert.equal(summary.rowsIn, summary.rowsOut);
  assert.ok(summary.rowsIn > 0);
  const csv = await strata.download('[data-testid="download-csv-people_slim"]');
  assert.equal(csv.name, 'people_slim.csv');
  const text = csv.bytes.toString('utf8');
  assert.equal(text.split('\n')[0], 'id,amount,full_name');
  assert.equal(text.trim().split('\n').length, summary.rowsOut + 1);
  const pq = await strata.download('[data-testid="download-parquet-people_slim"]');
  assert.equal(pq.name, 'people_slim.parquet');
  assert.equal(pq.bytes.subarray(0, 4).toString(), 'PAR1');
  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});
