// In-browser export benchmark: the real page (release build) loads the synthetic table, then the
// Export panel writes it as Parquet (zstd), as CSV, and as a bundle (Parquet inside), each timed
// from the click to the download, with the peak resident memory of Chromium's processes above
// the memory held once the table is loaded: the export itself must not need a second full copy
// of the table. Run with `make bench-browser`; size: STRATA_BENCH_EXPORT_ROWS (default 5000000).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';
import { StrataPage } from '../lib/strata_page.mjs';
import { chromiumRssBytes } from '../lib/memory.mjs';
import { root, strataBin, dataDir } from '../lib/bench.mjs';

const rows = Number(process.env.STRATA_BENCH_EXPORT_ROWS || 5000000);

const file = path.join(dataDir, `orders_${rows}.csv`);
if (!fs.existsSync(file)) execFileSync(strataBin, ['synth', '--rows', String(rows), '--out', file], { stdio: 'inherit' });

const server = await startServer(process.env.STRATA_DIST || path.join(root, 'dist'));
const browser = await launch();
const page = await browser.newPage();
const strata = new StrataPage(page, server.url);
await strata.open();
const before = chromiumRssBytes();
const t0 = performance.now();
await strata.upload(file);
await page.locator('[data-testid=dataset-name]', { hasText: path.basename(file) }).waitFor({ timeout: 900_000 });
await page.locator('[data-testid=progress]').waitFor({ state: 'detached', timeout: 900_000 });
const loadS = (performance.now() - t0) / 1000;
await strata.openStep('export');
const panel = page.locator('[data-testid=panel-export]');
const row = panel.locator('[data-testid=export-row]').first();
await row.waitFor({ timeout: 120_000 });
const dataset = await row.getAttribute('data-dataset');
// Let the load's garbage go before the baseline is taken.
await page.waitForTimeout(3000);
const loaded = chromiumRssBytes();

const results = [];
for (const c of [
  { label: 'Parquet (zstd)', format: 'parquet', button: `[data-testid="export-${dataset}"]` },
  { label: 'CSV', format: 'csv', button: `[data-testid="export-${dataset}"]` },
  { label: 'bundle (Parquet inside)', format: 'parquet', button: '[data-testid=download-bundle]' },
]) {
  await panel.locator('[data-testid=export-format]').selectOption(c.format);
  const base = chromiumRssBytes();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, chromiumRssBytes())), 50);
  const t = performance.now();
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 900_000 }),
    page.locator(c.button).click(),
  ]);
  const saved = await download.path();
  const seconds = (performance.now() - t) / 1000;
  clearInterval(timer);
  const size = fs.statSync(saved).size;
  const r = {
    case: `${rows.toLocaleString('en')} rows → ${c.label}`,
    file_mb: +(size / 1e6).toFixed(1),
    seconds: +seconds.toFixed(2),
    rss_with_table_mb: Math.round(base / 1e6),
    peak_rss_mb: Math.round(peak / 1e6),
    growth_mb: Math.round((peak - base) / 1e6),
    growth_over_output_file: +((peak - base) / size).toFixed(2),
  };
  results.push(r);
  console.log(JSON.stringify(r));
  await download.delete();
  await page.waitForTimeout(3000);
}
console.log(
  JSON.stringify({
    source_mb: +(fs.statSync(file).size / 1e6).toFixed(1),
    load_s: +loadS.toFixed(2),
    rss_before_load_mb: Math.round(before / 1e6),
    rss_with_table_mb: Math.round(loaded / 1e6),
  }),
);
console.table(results);
await browser.close();
await server.close();
fs.writeFileSync(path.join(dataDir, 'export-results.json'), JSON.stringify(results, null, 2));
