// Sample & Split through the real page: every kind of sample and split on a file ordered by
// region, its representativeness report and split checks, and the recipe with method,
// parameters and seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStrata } from '../lib/session.mjs';
import { fixture } from '../lib/fixtures.mjs';
import { drawSample, drawSplit, readRecipe } from '../lib/sample.mjs';

const env = useStrata();
const FILE = fixture('sample', 'customers_ordered.csv');

test('convenience sampling biases the sample and stratified sampling does not', async () => {
  const { context, page, strata } = await env.open();
  await strata.load(FILE);
  await strata.openStep('sample');
  await page.locator('[data-testid=sample-method]').selectOption('first_n');
  const lesson = page.locator('[data-testid=sample-lesson]');
  assert.equal(await lesson.getAttribute('data-probability'), 'false');
  assert.match(await lesson.innerText(), /Non-probability sample \(convenience\)/);

  const first = await drawSample(page, { method: 'first_n', size: 20, unit: 'percent', seed: 101 });
  assert.equal(first.rowsOut, 120);
  assert.equal(first.probability, false);
  assert.equal(first.kindText, 'non-probability sample');
  assert.equal(first.verdicts.region, 'biased');
  assert.equal(first.verdicts.amount, 'biased');
  assert.ok(first.biased.includes('region'));
  // PSI for every column, χ² for categories, shown in their own columns.
  const rep = page.locator('[data-testid=sample-tool] [data-testid=representativeness]');
  const region = rep.locator('tbody tr[data-column=region]');
  assert.ok(await region.getAttribute('data-psi'), 'PSI shown for a category column');
  assert.ok(Number(await region.getAttribute('data-chi2')) > 0);
  assert.match(await region.locator('[data-testid=rep-chi2]').innerText(), /\d \(2\)$/);
  const amount = rep.locator('tbody tr[data-column=amount]');
  assert.match(await amount.locator('[data-testid=rep-psi]').innerText(), /\d/);
  assert.equal(await amount.locator('[data-testid=rep-chi2]').innerText(), '—');
  assert.deepEqual(await rep.locator('thead th').allInnerTexts(), ['Column', 'Table', 'Sample', 'Distance', 'PSI', 'χ² (dof)', 'p-value', 'Verdict']);

  const strat = await drawSample(page, { method: 'stratified', size: 20, unit: 'percent', columns: ['region'], allocation: 'proportional', seed: 102 });
  assert.equal(strat.rowsOut, 120);
  assert.equal(strat.probability, true);
  assert.deepEqual(strat.biased, []);
  assert.equal(strat.verdicts.region, 'representative');
  assert.equal(strat.verdicts.amount, 'representative');
  assert.deepEqual(strat.strata.map((s) => [s.stratum, s.sample]), [['north', 40], ['south', 50], ['west', 30]]);
  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});

test('every kind of sample draws through the page and the recipe records method, parameters and seed', async () => {
  const { context, page, strata } = await env.open();
  await strata.load(FILE);
  await strata.openStep('sample');
  const draws = [
    [{ method: 'random', size: 10, unit: 'percent', seed: 1 }, (r) => assert.equal(r.rowsOut, 60)],
    [{ method: 'random_replace', size: 50, unit: 'rows', seed: 2 }, (r) => assert.equal(r.recorded.method.replace, true)],
    [{ method: 'systematic', every: 6, seed: 3 }, (r) => assert.equal(r.rowsOut, 100)],
    [{ method: 'stratified', size: 30, unit: 'rows', columns: ['region', 'segment'], allocation: 'equal', seed: 4 },
      (r) => assert.deepEqual(r.strata.map((s) => s.sample), [6, 6, 6, 6, 6])],
    [{ method: 'weighted', size: 40, unit: 'rows', weightKind: 'inverse_frequency', weightColumn: 'churn', seed: 5 },
      (r) => assert.deepEqual(r.recorded.method.weights, { by: 'inverse_frequency', column: 'churn' })],
    [{ method: 'reservoir', size: 25, unit: 'rows', algorithm: 'L', seed: 6 }, (r) => {
      assert.equal(r.rowsOut, 25);
      assert.equal(r.recorded.method.algorithm, 'l');
    }],
    [{ method: 'importance', size: 400, unit: 'rows', weightKind: 'column', weightColumn: 'amount', seed: 7 }, (r) => {
      const m = r.means.find((x) => x.column === 'amount');
      assert.ok(m.unweighted > m.population * 1.1, JSON.stringify(m));
      assert.ok(Math.abs(m.weighted - m.population) < Math.abs(m.unweighted - m.population) / 3, JSON.stringify(m));
    }],
    [{ method: 'quota', columns: ['region'], quota: 5, seed: 8 }, (r) => {
      assert.equal(r.rowsOut, 15);
      assert.equal(r.probability, false);
    }],
    [{ method: 'under_sample', label: 'churn', seed: 9 }, (r) => assert.deepEqual(r.strata.map((s) => s.sample), [70, 70])],
    [{ method: 'over_sample', label: 'churn', seed: 10 }, (r) => {
      assert.equal(r.rowsOut, 1060);
      assert.equal(r.verdicts.churn, 'biased', 'the label is re-balanced on purpose');
    }],
  ];
  for (const [form, check] of draws) {
    const r = await drawSample(page, form);
    assert.equal(r.rowsIn, 600, form.method);
    assert.equal(String(r.recorded.seed), String(form.seed), form.method);
    assert.ok(Object.keys(r.verdicts).length >= 5, `${form.method}: representativeness shown`);
    check(r);
  }

  // The label distribution and imbalance ratio come from the profile.
  await page.locator('[data-testid=sample-method]').selectOption('over_sample');
  await page.locator('[data-testid=sample-label]').selectOption('churn');
  await page.locator('[data-testid=label-balance-profile]').click();
  await page.locator('[data-testid=label-balance]').waitFor({ timeout: 60_000 });
  assert.match(await page.locator('[data-testid=imbalance-ratio]').innerText(), /7\.6 : 1/);

  // Judgment sample: tick rows in the grid.
  await page.locator('[data-testid=sample-method]').selectOption('manual');
  await page.locator('[data-testid=pick-row-2]').check();
  await page.locator('[data-testid=pick-row-5]').check();
  assert.equal(await page.locator('[data-testid=sample-rows]').inputValue(), '2, 5');
  const manual = await drawSample(page, { method: 'manual', seed: 11 });
  assert.equal(manual.rowsOut, 2);
  assert.deepEqual(manual.recorded.method.rows, [2, 5]);
  assert.equal(manual.probability, false);
  // Unticking every box empties the row list: no stale rows are drawn.
  await page.locator('[data-testid=pick-row-2]').uncheck();
  assert.equal(await page.locator('[data-testid=sample-rows]').inputValue(), '5');
  await page.locator('[data-testid=pick-row-5]').uncheck();
  assert.equal(await page.locator('[data-testid=sample-rows]').inputValue(), '');
  // Typed rows are kept when they replace ticks.
  await page.locator('[data-testid=pick-row-3]').check();
  await page.locator('[data-testid=sample-rows]').fill('1, 4');
  assert.equal(await page.locator('[data-testid=sample-rows]').inputValue(), '1, 4');
  assert.equal(await page.locator('[data-testid=pick-row-3]').isChecked(), false);
  // A custom output name survives a draw.
  const named = await drawSample(page, { method: 'manual', seed: 12, output: 'my_picks' });
  assert.deepEqual(named.recorded.method.rows, [1, 4]);
  assert.equal(named.recorded.output, 'my_picks');
  assert.equal(await page.locator('[data-testid=sample-output]').inputValue(), 'my_picks');
  await page.locator('[data-testid=sample-output]').fill('customers_ordered.sample');

  // No seed given: one is generated, shown and recorded.
  const fresh = await drawSample(page, { method: 'random', size: 5, unit: 'percent' });
  assert.match(fresh.seed, /^\d+$/);
  assert.ok(Number(fresh.seed) <= Number.MAX_SAFE_INTEGER, 'generated seeds read back exactly in JavaScript');
  assert.equal(String(fresh.recorded.seed), fresh.seed);

  const recipe = await readRecipe(page);
  const samples = recipe.steps.filter((s) => s.op === 'sample' && s.output === 'customers_ordered.sample');
  assert.equal(samples.length, 1, 'each draw into the same output replaces the previous one');
  assert.equal(samples[0].method.kind, 'random');
  assert.deepEqual(samples[0].method.size, { fraction: 0.05 });
  assert.equal(String(samples[0].seed), fresh.seed);
  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});

test('splits of every kind report sizes, label balance and leakage checks', async () => {
  const { context, page, strata } = await env.open();
  await strata.load(FILE);
  await strata.openStep('sample');
  const random = await drawSplit(page, { method: 'random', ratios: '70/15/15', label: 'churn', seed: 21 });
  assert.deepEqual(random.sizes.map((s) => [s.split, s.rows]), [['customers_ordered.train', 420], ['customers_ordered.validation', 90], ['customers_ordered.test', 90]]);
  assert.equal(random.checks.rows.ok, true);
  assert.equal(random.checks.rows.value, '0');
  assert.equal(random.checks.duplicates.ok, true, 'no duplicate records across splits');
  assert.equal(random.checks.duplicates.value, '0');
  assert.ok(random.leakFree);

  const strat = await drawSplit(page, { method: 'stratified', column: 'churn', ratios: '80/20', seed: 22 });
  assert.deepEqual(strat.sizes.map((s) => s.classes.yes), [56, 14]);
  assert.deepEqual(strat.sizes.map((s) => s.classes.no), [424, 106]);

  const time = await drawSplit(page, { method: 'time', column: 'order_date', ratios: '60/20/20', seed: 23 });
  assert.equal(time.checks.time.ok, true);
  assert.match(time.checks.time.text, /no training row is later than any test row/);
  assert.ok(time.leakFree);

  const group = await drawSplit(page, { method: 'group', column: 'customer_id', ratios: '80/20', seed: 24 });
  assert.equal(group.checks.groups.ok, true);
  assert.equal(group.checks.groups.value, '0');
  assert.equal(group.sizes.reduce((a, s) => a + s.rows, 0), 600);

  const recipe = await readRecipe(page);
  const split = recipe.steps.find((s) => s.op === 'split');
  assert.deepEqual(split.method, { kind: 'group', column: 'customer_id' });
  assert.deepEqual(split.ratios, [80, 20]);
  assert.equal(split.seed, 24);

  // A random split checked for customers shared between splits: it leaks them.
  const checked = await drawSplit(page, { method: 'random', ratios: '80/20', groupCheck: 'customer_id', seed: 25 });
  assert.equal(checked.checks.groups.ok, false);
  assert.ok(Number(checked.checks.groups.value) > 0);
  assert.equal(checked.leakFree, false);
  assert.equal(checked.recorded.group_check, 'customer_id');
  assert.deepEqual(split.outputs, ['customers_ordered.train', 'customers_ordered.test']);
  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});

test('a reservoir sample of N rows can be kept while loading, with its seed recorded', async () => {
  const { context, page, strata } = await env.open();
  await strata.openReadingOptions();
  await page.locator('[data-testid=opt-reservoir-on]').check();
  await page.locator('[data-testid=opt-reservoir-size]').fill('50');
  await page.locator('[data-testid=opt-reservoir-size]').press('Tab');
  await page.locator('[data-testid=opt-reservoir-seed]').fill('7');
  await page.locator('[data-testid=opt-reservoir-seed]').press('Tab');
  assert.match(await page.locator('[data-testid=opt-reservoir]').innerText(), /never held in memory/);
  await strata.load(FILE);
  assert.equal(await strata.rowCount(), 50);
  assert.match(await page.locator('[data-testid=warnings]').innerText(), /50 of the 600 rows read .*seed 7/);
  await strata.openStep('sample');
  const recipe = await readRecipe(page);
  const load = recipe.steps.find((s) => s.op === 'load');
  assert.deepEqual(load.options.reservoir, { size: 50, seed: 7, algorithm: 'l' });
  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});
