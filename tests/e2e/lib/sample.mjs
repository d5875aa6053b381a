// Page object for the Sample & Split panel: draw a sample or a split like a person would, and
// read the reports off the page.

/** Fills the sample form and draws; waits until the report of this draw (by its seed) is shown. */
export async function drawSample(page, { method, size, unit, every, columns, allocation, weightKind, weightColumn, algorithm, quota, label, seed, output }) {
  const tool = page.locator('[data-testid=sample-tool]');
  await tool.locator('[data-testid=sample-method]').selectOption(method);
  if (size !== undefined) await tool.locator('[data-testid=sample-size]').fill(String(size));
  if (unit) await tool.locator('[data-testid=sample-unit]').selectOption(unit);
  if (every !== undefined) await tool.locator('[data-testid=sample-every]').fill(String(every));
  if (columns) await tool.locator('[data-testid=sample-columns]').selectOption(columns);
  if (allocation) await tool.locator('[data-testid=sample-allocation]').selectOption(allocation);
  if (weightKind) await tool.locator('[data-testid=sample-weight-kind]').selectOption(weightKind);
  if (weightColumn) await tool.locator('[data-testid=sample-weight-column]').selectOption(weightColumn);
  if (algorithm) await tool.locator('[data-testid=sample-algorithm]').selectOption(algorithm);
  if (quota !== undefined) await tool.locator('[data-testid=sample-quota]').fill(String(quota));
  if (label) await tool.locator('[data-testid=sample-label]').selectOption(label);
  await tool.locator('[data-testid=sample-seed]').fill(seed === undefined ? '' : String(seed));
  if (output) await tool.locator('[data-testid=sample-output]').fill(output);
  await tool.locator('[data-testid=sample-apply]').click();
  const shownSeed = seed === undefined ? await waitSeedFilled(tool.locator('[data-testid=sample-seed]')) : String(seed);
  await tool.locator('[data-testid=sample-report-seed]', { hasText: new RegExp(`^${shownSeed}$`) }).waitFor({ timeout: 60_000 });
  return readSample(page, shownSeed);
}

async function waitSeedFilled(input) {
  for (let i = 0; i < 100; i++) {
    const v = await input.inputValue();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no seed was generated');
}

/** What the sample tool shows after a draw. */
export async function readSample(page, seed) {
  const tool = page.locator('[data-testid=sample-tool]');
  const summary = tool.locator('[data-testid=step-summary]');
  const report = tool.locator('[data-testid=sample-report]');
  const verdicts = Object.fromEntries(
    await tool.locator('[data-testid=representativeness] tbody tr').evaluateAll((rows) => rows.map((r) => [r.dataset.column, r.dataset.verdict])),
  );
  const strata = await tool
    .locator('[data-testid=sample-strata] tbody tr')
    .evaluateAll((rows) => rows.map((r) => ({ stratum: r.dataset.stratum, population: Number(r.dataset.population), sample: Number(r.dataset.sample) })));
  const means = await tool
    .locator('[data-testid=sample-weighted-means] tbody tr')
    .evaluateAll((rows) => rows.map((r) => ({ column: r.dataset.column, population: Number(r.dataset.population), unweighted: Number(r.dataset.unweighted), weighted: Number(r.dataset.weighted) })));
  const recorded = JSON.parse(await tool.locator('[data-testid=sample-recorded-json]').textContent());
  return {
    seed,
    rowsIn: Number(await summary.getAttribute('data-rows-in')),
    rowsOut: Number(await summary.getAttribute('data-rows-out')),
    probability: (await report.getAttribute('data-probability')) === 'true',
    kindText: await tool.locator('[data-testid=sample-report-kind]').innerText(),
    biased: (await tool.locator('[data-testid=representativeness-verdict]').getAttribute('data-biased')).split(',').filter(Boolean),
    verdicts,
    strata,
    means,
    recorded,
  };
}

/** Fills the split form and splits; waits for the report of this split (by its recorded seed). */
export async function drawSplit(page, { method, column, ratios, label, groupCheck, seed }) {
  const tool = page.locator('[data-testid=split-tool]');
  await tool.locator('[data-testid=split-method]').selectOption(method);
  if (column) await tool.locator('[data-testid=split-column]').selectOption(column);
  await tool.locator('[data-testid=split-ratios]').fill(ratios);
  await tool.locator('[data-testid=split-label]').selectOption(label ?? '');
  if (method !== 'group') await tool.locator('[data-testid=split-group-check]').selectOption(groupCheck ?? '');
  await tool.locator('[data-testid=split-seed]').fill(String(seed));
  await tool.locator('[data-testid=split-apply]').click();
  await tool.locator('[data-testid=split-recorded-json]', { hasText: `"seed": ${seed}` }).waitFor({ state: 'attached', timeout: 60_000 });
  const sizes = await tool
    .locator('[data-testid=split-sizes] tbody tr')
    .evaluateAll((rows) => rows.map((r) => ({ split: r.dataset.split, rows: Number(r.dataset.rows), classes: Object.fromEntries([...r.querySelectorAll('td[data-class]')].map((td) => [td.dataset.class, Number(td.dataset.rows)])) })));
  const checks = Object.fromEntries(
    await tool.locator('[data-testid=split-checks] li').evaluateAll((lis) => lis.map((l) => [l.dataset.check, { ok: l.dataset.ok === 'true', value: l.dataset.value, text: l.innerText }])),
  );
  const recorded = JSON.parse(await tool.locator('[data-testid=split-recorded-json]').textContent());
  return { sizes, checks, recorded, leakFree: (await tool.locator('[data-testid=split-report]').getAttribute('data-leak-free')) === 'true' };
}

/** The session's recipe as the panel shows it. */
export async function readRecipe(page) {
  const view = page.locator('[data-testid=sample-recipe]');
  await view.locator('summary').click();
  await view.locator('[data-testid=sample-recipe-refresh]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=sample-recipe-json]')?.textContent.includes('strata_recipe'), null, { timeout: 30_000 });
  return JSON.parse(await view.locator('[data-testid=sample-recipe-json]').textContent());
}
