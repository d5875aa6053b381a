// Profile through the real page: a seed-like teaching table shows every alert that applies,
// each with its explanation and the rows it concerns; charts are drawn; the label column can
// be chosen; the formats lesson measures CSV against Parquet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStrata } from '../lib/session.mjs';
import { fixture } from '../lib/fixtures.mjs';

const env = useStrata();

test('the lesson table shows every alert kind with explanations, rows and charts', async () => {
  const { context, page, strata } = await env.open();
  await strata.load(fixture('profile/lesson_patients.csv'));
  await strata.openProfile();
  // Leakage is checked against the label a person picks.
  await page.locator('[data-testid=label-select]').selectOption('readmitted');
  await page.locator('[data-testid=alert][data-kind=leakage]').waitFor({ timeout: 60_000 });
  const kinds = await strata.alertKinds();
  for (const kind of [
    'missing', 'near_duplicate_categories', 'mixed_formats', 'duplicate_rows', 'duplicate_ids', 'outliers',
    'correlated', 'functional_dependency', 'derived_column', 'constant', 'near_constant', 'leakage',
  ]) {
    assert.ok(kinds.includes(kind), `alert ${kind} is shown (got ${kinds.join(', ')})`);
  }
  // Each alert explains itself.
  for (const lesson of await page.locator('[data-testid=alert-lesson]').allInnerTexts()) {
    assert.match(lesson, /^Why it matters: .{80,}/s);
  }
  const mar = page.locator('[data-testid=alert][data-kind=missing][data-columns=cholesterol]');
  assert.match(await mar.innerText(), /MAR hint/);
  assert.match(await mar.innerText(), /age/);
  assert.match(await mar.innerText(), /MNAR/);
  const spellings = page.locator('[data-testid=alert][data-kind=near_duplicate_categories]');
  assert.match(await spellings.innerText(), /NYC/);
  assert.match(await spellings.locator('[data-testid=alert-rows]').innerText(), /^Rows: \d/);
  assert.match(await page.locator('[data-testid=alert][data-kind=duplicate_rows]').innerText(), /repeats row/);
  assert.match(await page.locator('[data-testid=alert][data-kind=leakage]').innerText(), /followup_flag/);
  // Charts: a histogram in a numeric column's card, top values in a text column's, heatmaps.
  const age = page.locator('[data-testid=column-card][data-column=age]');
  await age.locator('summary').click();
  assert.ok((await age.locator('svg rect.bar').count()) > 3);
  assert.match(await age.locator('svg rect.bar').first().getAttribute('aria-label'), /: \d/);
  assert.match(await age.innerText(), /p50 \(median\)/);
  const city = page.locator('[data-testid=column-card][data-column=city]');
  await city.locator('summary').click();
  assert.ok((await city.locator('svg g[aria-label]').count()) >= 4);
  assert.ok((await page.locator('[data-testid=correlations] svg').count()) >= 2);
  assert.ok((await page.locator('[data-testid=missingness] rect.missing-cell').count()) > 0);
  // The formats lesson, computed in the tab.
  await page.locator('[data-testid=measure-formats]').click();
  await page.locator('[data-testid=format-sizes]').waitFor({ timeout: 60_000 });
  assert.match(await page.locator('[data-testid=format-ratio]').innerText(), /Parquet with zstd is [\d.]+× smaller than CSV/);
  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});

test('the orders demo shows inconsistent countries, outliers and missing values', async () => {
  const { context, page, strata } = await env.open();
  await strata.load(fixture('demo_orders.csv'));
  await strata.openProfile();
  const kinds = await strata.alertKinds();
  for (const kind of ['missing', 'near_duplicate_categories', 'outliers']) {
    assert.ok(kinds.includes(kind), `alert ${kind} is shown (got ${kinds.join(', ')})`);
  }
  assert.match(await page.locator('[data-testid=alert][data-kind=missing]').first().innerText(), /MCAR/);
  await context.close();
});
