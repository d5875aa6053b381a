// Page object: what a person does on the Strata page, and what they can read off it.
import assert from 'node:assert/strict';

export class StrataPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
    this.consoleErrors = [];
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => this.consoleErrors.push(String(e)));
  }

  async open() {
    await this.page.goto(this.baseUrl);
    await this.page.getByRole('heading', { name: 'Strata' }).waitFor();
    // The worker says Ready once its wasm is running.
    await this.page.waitForFunction(() => !document.body.innerText.includes('Starting the worker'), null, { timeout: 60_000 });
  }

  async upload(filePath) {
    await this.page.setInputFiles('[data-testid=file-input]', filePath);
  }

  /** Uploads and waits until the summary of this file is shown. */
  async load(filePath) {
    await this.upload(filePath);
    await this.waitLoaded(filePath.split('/').pop());
  }

  async waitLoaded(name) {
    await this.page
      .locator('[data-testid=dataset-name]', { hasText: name })
      .waitFor({ timeout: 120_000 });
    await this.page.locator('[data-testid=progress]').waitFor({ state: 'detached', timeout: 120_000 });
  }

  /** Opens the Profile step and waits for the report. */
  async openProfile() {
    await this.page.locator('[data-testid=rail-profile]').click();
    await this.page.locator('[data-testid=profile-summary]').waitFor({ timeout: 120_000 });
  }

  /** Opens a step of the rail by its slug (load, profile, validate, clean, sample, compare, export). */
  async openStep(slug) {
    await this.page.locator(`[data-testid=rail-${slug}]`).click();
    await this.page.locator(`[data-testid=panel-${slug}]`).waitFor();
  }

  /** Clicks a button that saves a file and returns the file's name and bytes. */
  async download(selector) {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.locator(selector).click()]);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    return { name: download.suggestedFilename(), bytes: readFileSync(path) };
  }

  /** Waits until the last applied step's summary shows and returns its rows in and out. */
  async stepSummary(scope = this.page) {
    const s = scope.locator('[data-testid=step-summary]').last();
    await s.waitFor({ timeout: 120_000 });
    return { rowsIn: Number(await s.getAttribute('data-rows-in')), rowsOut: Number(await s.getAttribute('data-rows-out')), text: await s.innerText() };
  }

  async alertKinds() {
    return this.page.locator('[data-testid=alert]').evaluateAll((els) => els.map((e) => e.dataset.kind));
  }

  async rowCount() {
    const t = await this.page.locator('[data-testid=row-count]').innerText();
    return Number(t.replace(/,/g, ''));
  }

  async columnCount() {
    return Number(await this.page.locator('[data-testid=column-count]').innerText());
  }

  async columnNames() {
    return this.page.locator('[data-testid=column-name]').evaluateAll((els) => els.map((e) => e.dataset.name));
  }

  async columnTypes() {
    return this.page
      .locator('[data-testid=column-name] .badge')
      .evaluateAll((els) => els.map((e) => e.getAttribute('title')));
  }

  async gridRowCount() {
    return this.page.locator('[data-testid=grid-row]').count();
  }

  async cellTexts(row) {
    return this.page.locator('[data-testid=grid-row]').nth(row).locator('td').allInnerTexts();
  }

  async error() {
    const box = this.page.locator('[data-testid=error]');
    await box.waitFor({ timeout: 60_000 });
    return {
      message: await box.locator('[data-testid=error-message]').innerText(),
      kind: await box.locator('[data-testid=error-kind]').innerText(),
    };
  }

  async openReadingOptions() {
    const d = this.page.locator('[data-testid=reading-options]');
    if (!(await d.evaluate((e) => e.open))) await d.locator('summary').click();
  }

  assertNoConsoleErrors() {
    assert.deepEqual(this.consoleErrors, [], `console errors: ${this.consoleErrors.join('\n')}`);
  }
}
