// Derived steps through the real page: choose and rename columns in the Clean panel, see what
// changed, download the new dataset as CSV and Parquet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStrata } from '../lib/session.mjs';
import { fixture } from '../lib/fixtures.mjs';

const env = useStrata();

test('dropping and renaming columns makes a new dataset that downloads as CSV and Parquet', async () => {
  const { context, page, strata } = await env.open();
  await strata.load(fixture('people.csv'));
  await strata.openStep('clean');
  const tool = page.locator('[data-testid=columns-tool]');
  await tool.locator('[data-testid=keep-joined]').uncheck();
  await tool.locator('[data-testid=rename-name]').fill('full_name');
  await tool.locator('[data-testid=rename-name]').dispatchEvent('change');
  await tool.locator('[data-testid=columns-output]').fill('people_slim');
  await tool.locator('[data-testid=columns-apply]').click();
  const summary = await strata.stepSummary(tool);
  assert.equal(summary.rowsIn, summary.rowsOut);
  assert.ok(summary.rowsIn > 0);
  const csv = await strata.download('[data-testid="download-csv-people_slim"]');
  assert.equal(csv.name, 'people_slim.csv');
  const text = csv.bytes.toString('utf8');
  assert.equal(text.split('\n')[0], 'id,full_name,amount');
  assert.equal(text.trim().split('\n').length, summary.rowsOut + 1);
  const pq = await strata.download('[data-testid="download-parquet-people_slim"]');
  assert.equal(pq.name, 'people_slim.parquet');
  assert.equal(pq.bytes.subarray(0, 4).toString(), 'PAR1');
  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});
