// Built-in examples through the real page: a new user picks the transactions example, follows
// its guided tour by doing what each step says (open the named panel, run it), downloads the
// bundle at the end, and the bundle's lineage replays natively on `strata example`'s bytes.
// Every example loads with its row counts, and the tour box passes axe in both themes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { useStrata } from '../lib/session.mjs';

const env = useStrata();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

function strataBin() {
  const target = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
  execFileSync('cargo', ['build', '--quiet', '--bin', 'strata'], { cwd: root, stdio: 'inherit' });
  return path.join(target, 'debug', 'strata');
}

async function seriousViolations(page) {
  return page.evaluate(async (source) => {
    if (!window.axe) (0, eval)(source);
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  }, AXE);
}

const RAIL = { Load: 'load', Profile: 'profile', Validate: 'validate', Clean: 'clean', 'Sample & Split': 'sample', Compare: 'compare', Export: 'export' };

/** The tour as a person reads it: the step counter, the panel named, and the instructions. */
async function readTour(page) {
  const tour = page.getByRole('region', { name: /Guided tour/ });
  await tour.waitFor();
  const where = await tour.locator('[data-testid=tour-where]').innerText();
  const panel = Object.entries(RAIL).find(([label]) => new RegExp(`^(Open|In) ${label.replace('&', '\\&')}\\b`).test(where));
  assert.ok(panel, `the tour names a panel: ${where}`);
  return {
    tour,
    count: await tour.locator('[data-testid=tour-count]').innerText(),
    slug: panel[1],
    action: await tour.locator('[data-testid=tour-action]').innerText(),
    notice: await tour.locator('[data-testid=tour-notice]').innerText(),
  };
}

test('a new user follows the transactions tour from the example to the bundle, which replays natively', async () => {
  const { context, page, strata } = await env.open();
  const load = page.locator('[data-testid=panel-load]');
  const examples = load.getByRole('region', { name: 'Examples' });
  assert.equal(await examples.getByRole('button').count(), 6);
  await examples.getByRole('button', { name: /Card transactions/ }).click();
  await strata.waitLoaded('transactions.csv');
  assert.equal(await strata.rowCount(), 5000);

  const seen = [];
  for (;;) {
    const step = await readTour(page);
    seen.push(step.slug);
    assert.match(step.count, new RegExp(`^Step ${seen.length} of 5$`));
    // Do what the step says: open the named panel (the tour's own button), then run it.
    if (step.slug !== 'load') {
      await step.tour.getByRole('button', { name: /^Go to / }).click();
      await page.locator(`[data-testid=panel-${step.slug}]`).waitFor();
      // Focus moves to the panel's heading.
      await page.waitForFunction((slug) => document.activeElement?.closest('[data-testid^=panel-]')?.dataset.testid === `panel-${slug}`, step.slug);
    }
    if (step.slug === 'profile') {
      await page.locator('[data-testid=profile-summary]').waitFor({ timeout: 120_000 });
      const kinds = await strata.alertKinds();
      assert.ok(kinds.includes('outliers') && kinds.includes('near_duplicate_categories'), kinds.join(','));
      assert.match(step.notice, /USA, U\.S\., United States/);
    } else if (step.slug === 'validate') {
      assert.match(step.action, /order_date >= signup_date/);
      const panel = page.locator('[data-testid=panel-validate]');
      assert.match(step.action, /"Suggest rules from the profile".*"Use these rules".*"Add check".*"Run validation"/s);
      await panel.getByRole('button', { name: 'Suggest rules from the profile' }).click();
      await panel.getByRole('button', { name: 'Use these rules' }).click({ timeout: 120_000 });
      await panel.locator('[data-testid=cross-check]').fill('order_date >= signup_date');
      await panel.getByRole('button', { name: 'Add check' }).click();
      await panel.getByRole('button', { name: 'Run validation' }).click();
      await panel.locator('[data-testid=validate-report]').waitFor({ timeout: 120_000 });
      const failed = Number(await panel.locator('[data-testid=group-cross_field]').getAttribute('data-failed'));
      assert.ok(failed > 0, 'orders before signup fail the cross-field check');
    } else if (step.slug === 'sample') {
      assert.match(step.action, /"stratified by label".*is_fraud.*"Split"/s);
      const tool = page.locator('[data-testid=split-tool]');
      await tool.locator('[data-testid=split-input]').selectOption('transactions');
      await tool.locator('[data-testid=split-method]').selectOption('stratified');
      await tool.locator('[data-testid=split-column]').selectOption('is_fraud');
      await tool.getByRole('button', { name: 'Split', exact: true }).click();
      await tool.locator('[data-testid=split-report]').waitFor({ timeout: 120_000 });
      const sizes = await tool
        .locator('[data-testid=split-sizes] tbody tr')
        .evaluateAll((rows) => rows.map((r) => ({ rows: Number(r.dataset.rows), fraud: Number(r.querySelector('td[data-class="1"]')?.dataset.rows) })));
      assert.equal(sizes.reduce((a, s) => a + s.rows, 0), 5000);
      // Every part keeps the 2% of fraud.
      for (const s of sizes) assert.ok(Math.abs(s.fraud / s.rows - 0.02) < 0.003, JSON.stringify(sizes));
    } else if (step.slug === 'export') {
      assert.match(step.action, /"Download bundle \(zip\)"/);
      break;
    }
    await step.tour.getByRole('button', { name: 'Next' }).click();
  }
  assert.deepEqual(seen, ['load', 'profile', 'validate', 'sample', 'export']);
  // Back returns to the previous step; Next again to the last.
  await page.getByRole('region', { name: /Guided tour/ }).getByRole('button', { name: 'Back' }).click();
  assert.equal((await readTour(page)).count, 'Step 4 of 5');
  await page.getByRole('region', { name: /Guided tour/ }).getByRole('button', { name: 'Next' }).click();
  assert.equal((await readTour(page)).count, 'Step 5 of 5');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download bundle (zip)' }).click()]);
  const bundle = { bytes: fs.readFileSync(await download.path()) };
  assert.ok(bundle.bytes.length > 1000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-example-'));
  const zipPath = path.join(dir, 'bundle.zip');
  fs.writeFileSync(zipPath, bundle.bytes);
  const unzip = (script) => execFileSync('python3', ['-c', script, zipPath]).toString();
  const names = JSON.parse(unzip('import json,sys,zipfile; print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))'));
  assert.ok(names.includes('lineage.json'), names.join(', '));
  const lineage = unzip('import sys,zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("lineage.json").decode())');
  const event = JSON.parse(lineage);
  assert.equal(event.inputs[0].name, 'transactions.csv');
  const load0 = event.run.facets.strata_recipe.steps.find((s) => s.op === 'load');
  // The browser loaded exactly the bytes `strata example` writes, and the lineage replays on them.
  const bin = strataBin();
  execFileSync(bin, ['example', 'transactions', '-o', dir]);
  const native = fs.readFileSync(path.join(dir, 'transactions.csv'));
  assert.equal(load0.source.sha256, sha256(native));
  fs.writeFileSync(path.join(dir, 'lineage.json'), lineage);
  const report = JSON.parse(
    execFileSync(bin, ['replay', path.join(dir, 'lineage.json'), path.join(dir, 'transactions.csv'), '--out', path.join(dir, 'out')]).toString(),
  );
  assert.equal(report.all_match, true, JSON.stringify(report, null, 2));

  // Finish closes the tour.
  await page.getByRole('region', { name: /Guided tour/ }).getByRole('button', { name: 'Finish' }).click();
  assert.equal(await page.locator('[data-testid=tour]').count(), 0);
  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});

test('every example loads with its row counts and opens its tour; Escape closes it', async () => {
  const { context, page, strata } = await env.open();
  const expected = {
    transactions: { 'transactions.csv': 5000 },
    patients: { 'patients.csv': 3000 },
    employees: { 'employees.csv': 2000 },
    customers_orders: { 'customers.csv': 800, 'orders.csv': 4000 },
    trips: { 'trips.csv': 6000 },
    sales_orders: { 'sales_orders.csv': 2928 },
  };
  for (const [id, files] of Object.entries(expected)) {
    await strata.openStep('load');
    await page.locator(`[data-testid=example-${id}]`).click();
    const names = Object.keys(files);
    await strata.waitLoaded(names[names.length - 1]);
    assert.equal(await strata.rowCount(), files[names[names.length - 1]], id);
    const tour = page.locator('[data-testid=tour]');
    assert.equal(await tour.getAttribute('data-example'), id);
    assert.equal(await tour.locator('[data-testid=tour-count]').innerText(), `Step 1 of ${await tour.getAttribute('data-steps')}`);
  }
  // Both files of customers & orders are datasets of the session.
  await strata.openStep('validate');
  const options = await page.locator('[data-testid=fk-dataset] option').allInnerTexts();
  assert.ok(options.some((o) => /customers/.test(o)), options.join(', '));
  // Keyboard: Escape inside the tour closes it.
  await page.locator('[data-testid=tour-next]').focus();
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-testid=tour]').count(), 0);
  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});

test('the examples and the tour have no serious or critical axe violation (light and dark)', async () => {
  const { context, page, strata } = await env.open();
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await strata.openStep('load');
    await page.locator('[data-testid=example-patients]').click();
    await strata.waitLoaded('patients.csv');
    await page.locator('[data-testid=tour-next]').click();
    assert.deepEqual(await seriousViolations(page), [], `${scheme}: Load panel with the tour`);
    await page.locator('[data-testid=tour-go]').click();
    await page.locator('[data-testid=profile-summary]').waitFor({ timeout: 120_000 });
    assert.deepEqual(await seriousViolations(page), [], `${scheme}: Profile panel with the tour`);
  }
  await context.close();
});
