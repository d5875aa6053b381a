// Two more guided tours followed as a student would, checking that what each step tells them to
// notice is really on the page: the patients tour (MCAR, MAR, MNAR and imputing them) and the
// trips tour (a random split leaks the future; a time split does not, and shows drift).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStrata } from '../lib/session.mjs';
import { ComparePanel } from '../lib/compare.mjs';
import { applyAndWait, counts, recorded, tool } from '../lib/clean.mjs';

const env = useStrata();

/** Opens the example and returns a helper that reads the tour's current step. */
async function startTour(page, strata, id, file) {
  await page.locator(`[data-testid=example-${id}]`).click();
  await strata.waitLoaded(file);
  const tour = page.locator('[data-testid=tour]');
  const step = async () => ({
    count: await tour.locator('[data-testid=tour-count]').innerText(),
    where: await tour.locator('[data-testid=tour-where]').innerText(),
    action: await tour.locator('[data-testid=tour-action]').innerText(),
  });
  /** Goes to the next step and opens the panel it names with the tour's own button. */
  const next = async (slug) => {
    await tour.locator('[data-testid=tour-next]').click();
    await tour.locator('[data-testid=tour-go]').click();
    await page.locator(`[data-testid=panel-${slug}]`).waitFor();
    return step();
  };
  return { tour, step, next };
}

test('the patients tour: the profile tells MCAR, MAR and MNAR apart, and imputing MNAR keeps its bias', async () => {
  const { context, page, strata } = await env.open();
  const { step, next } = await startTour(page, strata, 'patients', 'patients.csv');
  assert.match((await step()).count, /^Step 1 of 4$/);
  const names = await strata.columnNames();
  for (const c of ['age', 'bp_mcar', 'bp_mar', 'bp_mnar']) assert.ok(names.includes(c), names.join(','));

  const profile = await next('profile');
  assert.match(profile.action, /missing-value alert/);
  await page.locator('[data-testid=profile-summary]').waitFor({ timeout: 120_000 });
  const kinds = await strata.alertKinds();
  // The missing values of bp_mar depend on age; those of bp_mcar on nothing.
  const mar = (await page.locator('[data-testid=alert]').evaluateAll((els) => els.map((e) => [e.dataset.kind, e.dataset.columns, e.innerText])))
    .filter(([, cols]) => cols.split(',')[0] === 'bp_mar');
  assert.ok(mar.some(([, cols, text]) => /age/.test(cols + text)), `an alert links bp_mar's gaps to age: ${JSON.stringify(mar)} (${kinds})`);
  const mcar = (await page.locator('[data-testid=alert]').evaluateAll((els) => els.map((e) => [e.dataset.columns, e.innerText])))
    .filter(([cols]) => cols.split(',')[0] === 'bp_mcar');
  assert.ok(!mcar.some(([cols, text]) => /\bage\b/.test(cols + text)), `bp_mcar's gaps relate to nothing: ${JSON.stringify(mcar)}`);

  const clean = await next('clean');
  assert.match(clean.action, /impute bp_mnar with the median/);
  const impute = tool(page, 'impute');
  const input = impute.locator('[data-testid=impute-input-patients]');
  if (!(await input.isChecked())) await input.check();
  await impute.locator('[data-testid=impute-strategy]').selectOption('median');
  await impute.locator('[data-testid=impute-col-bp_mnar]').check();
  // bp_mcar too, to see the lesson: the same true readings, a different median once MNAR hid the high ones.
  await impute.locator('[data-testid=impute-col-bp_mcar]').check();
  const result = await applyAndWait(page, 'impute');
  const change = result.locator('[data-testid=clean-change][data-column=bp_mnar]').first();
  const filled = await counts(result, await change.getAttribute('data-dataset'), 'bp_mnar');
  assert.ok(filled['values imputed'] > 0, JSON.stringify(filled));
  const fitted = Object.fromEntries((await recorded(result)).fitted.map((f) => [f.column, f.value]));
  assert.ok(fitted.bp_mnar < fitted.bp_mcar, `the median fitted on bp_mnar is biased low: ${JSON.stringify(fitted)}`);

  const last = await next('export');
  assert.match(last.count, /^Step 4 of 4$/);
  assert.match(last.action, /Download bundle \(zip\)/);
  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});

test('the trips tour: a time split keeps the future out of training and shows the fare drift a random split hides', async () => {
  const { context, page, strata } = await env.open();
  const { step, next } = await startTour(page, strata, 'trips', 'trips.csv');
  assert.match((await step()).count, /^Step 1 of 4$/);
  await page.locator('[data-testid=tour-go]').click();
  await page.locator('[data-testid=profile-summary]').waitFor({ timeout: 120_000 });

  const split = await next('sample');
  assert.match(split.action, /"random".*"by time".*pickup_at/s);
  const tool = page.locator('[data-testid=split-tool]');
  const runSplit = async (method, column) => {
    await tool.locator('[data-testid=split-input]').selectOption('trips');
    await tool.locator('[data-testid=split-method]').selectOption(method);
    if (column) await tool.locator('[data-testid=split-column]').selectOption(column);
    await tool.getByRole('button', { name: 'Split', exact: true }).click();
    const report = tool.locator('[data-testid=split-report]').last();
    await report.waitFor({ timeout: 120_000 });
    return report;
  };
  const partsOf = (report) =>
    report.locator('[data-testid=split-sizes] tbody tr').evaluateAll((rows) => rows.map((r) => [r.dataset.split, Number(r.dataset.rows)]));
  const randomParts = await partsOf(await runSplit('random'));
  // Before the time split replaces them: the random split's parts look alike (fares stable), which
  // is why its test score flatters a model that will meet the future.
  const cmp = new ComparePanel(page);
  await strata.openStep('compare');
  await cmp.run({ left: randomParts.find(([n]) => /train/.test(n))[0], right: randomParts.find(([n]) => /test/.test(n))[0] });
  assert.equal((await cmp.drift('fare')).severity, 'stable');
  await strata.openStep('sample');
  const byTime = await runSplit('time', 'pickup_at');
  const time = byTime.locator('[data-check=time]');
  assert.equal(await time.getAttribute('data-ok'), 'true', await time.innerText());
  const parts = await partsOf(byTime);
  assert.equal(parts.reduce((a, [, n]) => a + n, 0), 6000);
  const train = parts.find(([n]) => /train/.test(n))[0];
  const testPart = parts.find(([n]) => /test/.test(n))[0];

  const compare = await next('compare');
  assert.match(compare.action, /train set on the left and its test set on the right/);
  // The time split re-used the names, so wait for the new result rather than the one on screen.
  const shown = await page.locator('[data-testid=compare-drift-fare] td.reason').innerText();
  await cmp.run({ left: train, right: testPart });
  await page.waitForFunction(
    (before) => document.querySelector('[data-testid=compare-drift-fare] td.reason')?.innerText !== before,
    shown,
    { timeout: 120_000 },
  );
  // What the tour says to notice: fares drift between the past and the future.
  assert.equal((await cmp.drift('fare')).severity, 'drift');

  const last = await next('export');
  assert.match(last.count, /^Step 4 of 4$/);
  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});
