// The Clean panel through the real page, as a person would use it on a train and a test file:
// impute, cap, scale fitted on train, encode, map categories suggested by the profile, and
// deduplicate — each showing what changed (counts, before/after histograms), the fitted-on-train
// vs all-rows comparison, and the step as recorded in the recipe with its fitted parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStrata } from '../lib/session.mjs';
import { fixture } from '../lib/fixtures.mjs';
import { tool, applyAndWait, counts, hasBeforeAfter, recorded, leakageParams } from '../lib/clean.mjs';

const env = useStrata();

test('impute, cap, scale, encode fitted on train; map categories; dedup; every step recorded with its parameters', async () => {
  const { context, page, strata } = await env.open();
  await strata.load(fixture('clean', 'train.csv'));
  await strata.load(fixture('clean', 'test.csv'));
  await strata.openStep('clean');
  await page.locator('[data-testid=leakage-lesson]').waitFor();

  // Impute: defaults are both files, fitted on train.
  const imp = tool(page, 'impute');
  assert.equal(await imp.locator('[data-testid=impute-fit-on]').inputValue(), 'train');
  assert.ok(await imp.locator('[data-testid=impute-input-test]').isChecked());
  await imp.locator('[data-testid=impute-col-age]').check();
  await imp.locator('[data-testid=impute-col-income]').check();
  let r = await applyAndWait(page, 'impute');
  let c = await counts(r, 'train.imputed', 'age');
  assert.ok(c['values imputed'] > 0, JSON.stringify(c));
  assert.ok((await counts(r, 'test.imputed', 'income'))['values imputed'] > 0);
  assert.ok(await hasBeforeAfter(r, 'train.imputed', 'age'));
  const lk = await leakageParams(r);
  const ageMean = lk.find((x) => x.column === 'age');
  assert.ok(ageMean && ageMean.onTrain !== ageMean.onAll, JSON.stringify(lk));
  let step = await recorded(r);
  assert.equal(step.op, 'impute');
  assert.equal(step.fit_on, 'train');
  assert.deepEqual(step.inputs, ['train', 'test']);
  assert.equal(step.fitted.length, 2);
  assert.equal(typeof step.fitted[0].value, 'number');

  // Cap outliers of income: the tool now defaults to the imputed pair.
  const out = tool(page, 'outliers');
  assert.equal(await out.locator('[data-testid=outliers-fit-on]').inputValue(), 'train.imputed');
  await out.locator('[data-testid=outliers-col-income]').check();
  r = await applyAndWait(page, 'outliers');
  c = await counts(r, 'train.imputed.capped', 'income');
  assert.ok(c['values capped'] >= 1, JSON.stringify(c));
  assert.ok(await hasBeforeAfter(r, 'train.imputed.capped', 'income'));
  step = await recorded(r);
  assert.equal(step.op, 'outliers');
  assert.equal(step.action, 'cap');
  assert.ok(step.fitted[0].upper < 950000 && step.fitted[0].lower < step.fitted[0].upper);

  // Scale age and income with z-scores fitted on train.
  const sc = tool(page, 'scale');
  assert.equal(await sc.locator('[data-testid=scale-fit-on]').inputValue(), 'train.imputed.capped');
  await sc.locator('[data-testid=scale-col-age]').check();
  await sc.locator('[data-testid=scale-col-income]').check();
  r = await applyAndWait(page, 'scale');
  assert.ok(await hasBeforeAfter(r, 'test.imputed.capped.scaled', 'income'));
  step = await recorded(r);
  assert.equal(step.op, 'scale');
  assert.equal(step.method, 'z_score');
  assert.deepEqual(step.fitted.map((f) => f.column), ['age', 'income']);
  assert.ok(step.fitted.every((f) => typeof f.center === 'number' && f.scale > 0));
  const means = await r.locator('[data-testid=leakage-means] tbody tr').evaluateAll((rows) =>
    rows.map((x) => ({ d: x.dataset.dataset, c: x.dataset.column, train: Number(x.querySelector('[data-testid=mean-on-train]').textContent), all: Number(x.querySelector('[data-testid=mean-on-all]').textContent) })),
  );
  const trainAge = means.find((m) => m.d === 'train.imputed.capped' && m.c === 'age');
  assert.ok(Math.abs(trainAge.train) < 1e-6, JSON.stringify(means));
  const testAge = means.find((m) => m.d === 'test.imputed.capped' && m.c === 'age');
  assert.notEqual(testAge.train, testAge.all);

  // One-hot encode segment: the test file's unseen category is counted.
  const en = tool(page, 'encode');
  await en.locator('[data-testid=encode-col-segment]').check();
  r = await applyAndWait(page, 'encode');
  c = await counts(r, 'test.imputed.capped.scaled.encoded', 'segment');
  assert.equal(c['values not seen when fitting'], 1);
  assert.equal(c['categories'], 3);
  step = await recorded(r);
  assert.equal(step.op, 'encode');
  assert.deepEqual(step.fitted[0].categories, ['a', 'b', 'c']);
  // Fitted on all rows, the test file's "d" would have had a column: the leakage table says so.
  const encLeak = await leakageParams(r);
  const cats = encLeak.find((l) => l.column === 'segment' && l.parameter === 'categories');
  assert.deepEqual([Number(cats.onTrain), Number(cats.onAll)], [3, 4], JSON.stringify(encLeak));
  const dCol = encLeak.find((l) => l.parameter === 'column for "d"');
  assert.deepEqual([Number(dCol.onTrain), Number(dCol.onAll)], [0, 1], JSON.stringify(encLeak));

  // Map city spellings from the profile's suggestions.
  const st = tool(page, 'standardize');
  await st.locator('[data-testid=standardize-input]').selectOption('train');
  await st.locator('[data-testid=standardize-column]').selectOption('city');
  await st.locator('[data-testid=standardize-suggest]').click();
  await st.locator('[data-testid=mapping-row][data-from=NYC]').waitFor({ timeout: 120_000 });
  assert.equal(await st.locator('[data-testid="map-to-NYC"]').inputValue(), 'New York City');
  r = await applyAndWait(page, 'standardize');
  c = await counts(r, 'train.standardized', 'city');
  assert.ok(c['values mapped'] >= 2, JSON.stringify(c));
  assert.ok(await hasBeforeAfter(r, 'train.standardized', 'city'));
  step = await recorded(r);
  assert.equal(step.op, 'standardize');
  assert.equal(step.rules[0].mapping.NYC, 'New York City');

  // Remove the duplicated row; the removed row downloads.
  const dd = tool(page, 'dedup');
  await dd.locator('[data-testid=dedup-input]').selectOption('train');
  r = await applyAndWait(page, 'dedup');
  const summary = await strata.stepSummary(r);
  assert.equal(summary.rowsIn - summary.rowsOut, 1);
  c = await counts(r, 'train.deduped', '');
  assert.equal(c['rows removed'], 1);
  step = await recorded(r);
  assert.equal(step.op, 'dedup');
  const removed = await strata.download('[data-testid="download-csv-train.deduped.removed"]');
  assert.equal(removed.bytes.toString('utf8').trim().split('\n').length, 2);

  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});
