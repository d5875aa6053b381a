// Page-object helpers for the Clean panel's tools.

/** The tool section of one operation family (impute, outliers, scale, encode, standardize, dedup, cast). */
export function tool(page, op) {
  return page.locator(`[data-testid=clean-${op}]`);
}

/** Clicks a tool's apply button and waits for its result (or the error banner). */
export async function applyAndWait(page, op, button = `${op}-apply`) {
  const t = tool(page, op);
  const before = await t.locator(`[data-testid=${op}-result]`).count();
  await t.locator(`[data-testid=${button}]`).click();
  if (before === 0) await t.locator(`[data-testid=${op}-result]`).waitFor({ timeout: 120_000 });
  // Wait until the worker is idle again (buttons enabled).
  await page.waitForFunction((id) => !document.querySelector(`[data-testid=${id}]`).disabled, button, { timeout: 120_000 });
  return t.locator(`[data-testid=${op}-result]`);
}

/** Counts shown for one changed column of one dataset: { label: n }. */
export async function counts(result, dataset, column) {
  const change = result.locator(`[data-testid=clean-change][data-dataset="${dataset}"][data-column="${column}"]`);
  await change.first().waitFor();
  const items = await change.first().locator('[data-testid=count]').evaluateAll((els) => els.map((e) => [e.dataset.label, Number(e.dataset.n)]));
  return Object.fromEntries(items);
}

/** Whether a changed column shows a before and an after histogram. */
export async function hasBeforeAfter(result, dataset, column) {
  const change = result.locator(`[data-testid=clean-change][data-dataset="${dataset}"][data-column="${column}"]`).first();
  return (await change.locator('[data-testid=before] svg').count()) > 0 && (await change.locator('[data-testid=after] svg').count()) > 0;
}

/** The step as recorded in the recipe, parsed from the result's <details>. */
export async function recorded(result) {
  const text = await result.locator('[data-testid=recorded-json]').textContent();
  return JSON.parse(text);
}

/** Leakage comparison rows: [{column, parameter, onTrain, onAll}]. */
export async function leakageParams(result) {
  return result.locator('[data-testid=leakage-params] tbody tr').evaluateAll((rows) =>
    rows.map((r) => ({
      column: r.dataset.column,
      parameter: r.dataset.parameter,
      onTrain: r.querySelector('[data-testid=on-train]').textContent,
      onAll: r.querySelector('[data-testid=on-all]').textContent,
    })),
  );
}
