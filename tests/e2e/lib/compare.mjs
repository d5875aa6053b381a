// Page object for the Compare panel: choose two datasets and keys, run, read the findings.
export class ComparePanel {
  constructor(page) {
    this.page = page;
    this.root = page.locator('[data-testid=panel-compare]');
  }

  /**
   * Picks the reference and compared datasets, ticks the key columns, chooses what to compare
   * (`parts`: "both", "drift" or "rows") and runs the comparison. With `parts` other than
   * "both", waits for the result that says so (a previous result may still be on the page).
   */
  async run({ left, right, keys = [], writeDiff = false, parts = 'both' }) {
    await this.root.locator('[data-testid=compare-left]').selectOption(left);
    await this.root.locator('[data-testid=compare-right]').selectOption(right);
    for (const k of keys) await this.root.locator(`[data-testid=compare-key-${k}]`).check();
    if (writeDiff) await this.root.locator('[data-testid=compare-write-diff]').check();
    await this.root.locator('[data-testid=compare-parts]').selectOption(parts);
    await this.root.locator('[data-testid=compare-run]').click();
    const done = parts === 'both' ? '[data-testid=compare-result]' : `[data-testid=compare-parts-note][data-parts=${parts}]`;
    await this.root.locator(done).waitFor({ timeout: 120_000 });
  }

  async verdict() {
    return (await this.root.locator('[data-testid=compare-verdict]').innerText()).trim();
  }

  async compatibility() {
    return this.root.locator('[data-testid=compare-schema]').getAttribute('data-compatibility');
  }

  /** The proposed rename of a column: { to, evidence } or null. */
  async rename(from) {
    const row = this.root.locator(`[data-testid=compare-rename-${from}]`);
    if ((await row.count()) === 0) return null;
    return { to: await row.getAttribute('data-to'), evidence: (await row.locator('td').nth(2).innerText()).trim() };
  }

  async typeChange(column) {
    const row = this.root.locator(`[data-testid=compare-type-${column}]`);
    if ((await row.count()) === 0) return null;
    return {
      from: await row.getAttribute('data-from'),
      to: await row.getAttribute('data-to'),
      widening: (await row.getAttribute('data-widening')) === 'true',
    };
  }

  /** Severity ("stable", "warning", "drift") and new categories of a column's drift. */
  async drift(column) {
    const row = this.root.locator(`[data-testid=compare-drift-${column}]`);
    const cats = await row.getAttribute('data-new-categories');
    return {
      severity: await row.getAttribute('data-severity'),
      newCategories: cats ? cats.split('|') : [],
      reason: (await row.locator('td.reason').innerText()).trim(),
    };
  }

  async rowCounts() {
    const s = this.root.locator('[data-testid=compare-rows]');
    const n = async (a) => Number(await s.getAttribute(a));
    return { changed: await n('data-changed'), added: await n('data-added'), removed: await n('data-removed'), matched: await n('data-matched') };
  }

  /** The changes listed for one key value on the current page: { column: [before, after] }. */
  async changedRow(key) {
    const group = this.root.locator(`[data-testid="compare-changed-${key}"]`);
    const out = {};
    for (const tr of await group.locator('tr').all()) {
      const column = await tr.getAttribute('data-column');
      out[column] = [(await tr.locator('td.old').innerText()).trim(), (await tr.locator('td.new').innerText()).trim()];
    }
    return out;
  }

  async removedKeys() {
    return this.root.locator('[data-testid=compare-removed] tbody tr td:nth-child(2)').allInnerTexts();
  }

  async addedKeys() {
    return this.root.locator('[data-testid=compare-added] tbody tr td:nth-child(2)').allInnerTexts();
  }
}
