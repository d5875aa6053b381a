// Compare in the browser: the orders table and a modified copy (a renamed column, a type
// change, shifted amounts, a new category, edited, removed and added rows), loaded as two files
// and compared by order_id; every change must be reported (issue 8, "Done when").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStrata } from '../lib/session.mjs';
import { fixture } from '../lib/fixtures.mjs';
import { ComparePanel } from '../lib/compare.mjs';

const env = useStrata();

test('comparing the orders table with its modified copy reports every change', async () => {
  const { context, page, strata } = await env.open();
  await strata.load(fixture('compare', 'orders.csv'));
  await strata.load(fixture('compare', 'orders_v2.csv'));
  await strata.openStep('compare');
  const cmp = new ComparePanel(page);
  await cmp.run({ left: 'orders', right: 'orders_v2', keys: ['order_id'], writeDiff: true });

  // Schema: the rename with its evidence, the type change, a breaking verdict.
  assert.equal(await cmp.compatibility(), 'breaking');
  const rename = await cmp.rename('customer_id');
  assert.equal(rename?.to, 'user_id');
  assert.match(rename.evidence, /values match/);
  assert.deepEqual(await cmp.typeChange('quantity'), { from: 'Int64', to: 'Float64', widening: false });

  // Drift: amounts shifted, a new category; an unchanged column stays stable.
  assert.equal((await cmp.drift('amount')).severity, 'drift');
  const category = await cmp.drift('category');
  assert.deepEqual(category.newCategories, ['electronics']);
  assert.notEqual(category.severity, 'stable');
  assert.equal((await cmp.drift('signup_date')).severity, 'stable');
  assert.equal(await page.locator('[data-testid="compare-chart-amount"] svg rect').count(), 40, 'two series of 20 bins');

  // Rows: 10 removed, 5 added, the edited country shown with before and after.
  const counts = await cmp.rowCounts();
  assert.equal(counts.removed, 10);
  assert.equal(counts.added, 5);
  assert.equal(counts.matched, 1990);
  const row5 = await cmp.changedRow('5');
  assert.equal(row5.country?.[1], 'Portugal');
  assert.notEqual(row5.country?.[0], 'Portugal');
  assert.ok(row5.amount, 'the shifted amount is listed too');
  assert.deepEqual(await cmp.removedKeys(), ['11', '12', '13', '14', '15', '16', '17', '18', '19', '20']);
  assert.deepEqual(await cmp.addedKeys(), ['100001', '100002', '100003', '100004', '100005']);

  // Browse the changed rows: the next page shows other keys.
  await page.locator('[data-testid=compare-next]').click();
  assert.equal(await page.locator('[data-testid="compare-changed-5"]').count(), 0);

  // The changed rows download as CSV, with the names of the changed columns.
  const changed = await strata.download('[data-testid="download-csv-orders_v2.changed"]');
  assert.equal(changed.name, 'orders_v2.changed.csv');
  const lines = changed.bytes.toString('utf8').trim().split('\n');
  assert.equal(lines.length, 1990 + 1);
  assert.ok(lines[0].startsWith('order_id,user_id,') && lines[0].endsWith(',changed_columns'), lines[0]);
  assert.ok(lines.find((l) => l.startsWith('5,')).endsWith('"amount,country"'));

  // The verdict a student can read aloud names each change.
  const verdict = await cmp.verdict();
  for (const needle of ['breaking', 'customer_id', 'user_id', 'quantity', 'amount', 'electronics', '10 removed', '5 added']) {
    assert.ok(verdict.includes(needle), `verdict lacks ${needle}: ${verdict}`);
  }
  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});

test('drift only and rows only compute what they say and nothing else', async () => {
  const { context, page, strata } = await env.open();
  await strata.load(fixture('compare', 'orders.csv'));
  await strata.load(fixture('compare', 'orders_v2.csv'));
  await strata.openStep('compare');
  const cmp = new ComparePanel(page);
  const section = (id) => cmp.root.locator(`[data-testid=compare-${id}]`);

  await cmp.run({ left: 'orders', right: 'orders_v2', keys: ['order_id'], parts: 'drift' });
  assert.equal(await section('drift').count(), 1, 'drift is shown');
  assert.equal(await section('summary').count(), 1, 'with its null and mean summary');
  assert.equal((await cmp.drift('amount')).severity, 'drift');
  assert.equal(await section('rows').count(), 0, 'no row diff');
  assert.equal(await section('schema').count(), 1, 'the schema diff is always made');
  let verdict = await cmp.verdict();
  assert.ok(verdict.includes('Rows were not compared') && !verdict.includes('10 removed'), verdict);

  await cmp.run({ left: 'orders', right: 'orders_v2', parts: 'rows' });
  assert.equal(await section('drift').count(), 0, 'no drift');
  assert.equal(await section('summary').count(), 0);
  assert.equal(await section('rows').count(), 1, 'the row diff is shown');
  const counts = await cmp.rowCounts();
  assert.deepEqual([counts.removed, counts.added, counts.matched], [10, 5, 1990]);
  verdict = await cmp.verdict();
  assert.ok(verdict.includes('Drift was not measured') && verdict.includes('10 removed'), verdict);
  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});
