// In-browser ingest benchmark: the real page (release build), a file picked through the file
// input, timed until the summary shows; then the Profile step, timed until its report shows. Also the peak resident memory of Chromium's processes.
// Run with `make bench-browser`. Sizes: STRATA_BENCH_ROWS="100000,1000000,5000000".
// STRATA_BENCH_SETTLE_MS=3000 waits that long after the page is ready before picking the file
// (by default the file is picked at once, before the worker's hash worker has started).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';
import { StrataPage } from '../lib/strata_page.mjs';
import { chromiumRssBytes, workerCpuDelta, workerCpuSeconds } from '../lib/memory.mjs';
import { root, strataBin, dataDir } from '../lib/bench.mjs';

const rowsList = (process.env.STRATA_BENCH_ROWS || '100000,1000000,5000000').split(',').map(Number);

function synth(rows, ext, codec) {
  const file = path.join(dataDir, `orders_${rows}${codec ? '_' + codec : ''}.${ext}`);
  if (!fs.existsSync(file)) {
    const args = ['synth', '--rows', String(rows), '--out', file];
    if (codec) args.push('--codec', codec);
    execFileSync(strataBin, args, { stdio: 'inherit' });
  }
  return file;
}

const cases = [];
for (const rows of rowsList) cases.push({ label: `CSV ${rows.toLocaleString('en')} rows`, file: synth(rows, 'csv') });
if (rowsList.includes(1000000)) {
  cases.push({ label: 'Parquet zstd 1,000,000 rows', file: synth(1000000, 'parquet', 'zstd') });
  cases.push({ label: 'Parquet snappy 1,000,000 rows', file: synth(1000000, 'parquet', 'snappy') });
}
// The tab's limits: 12M rows (~1.1 GB) by default, or `STRATA_BENCH_HUGE_ROWS` (16,000,000 rows
// is ~1.5 GB): either it loads or it stops with a clear message, and the tab lives on.
if (process.env.STRATA_BENCH_HUGE) {
  const rows = Number(process.env.STRATA_BENCH_HUGE_ROWS || 12000000);
  const gb = (rows * 92.5e-9).toFixed(1);
  cases.push({ label: `CSV ${rows.toLocaleString('en')} rows (~${gb} GB)`, file: synth(rows, 'csv'), mayFail: true });
}

const server = await startServer(process.env.STRATA_DIST || path.join(root, 'dist'));
const results = [];
for (const c of cases) {
  const browser = await launch();
  const page = await browser.newPage();
  const strata = new StrataPage(page, server.url);
  await strata.open();
  if (process.env.STRATA_BENCH_SETTLE_MS) await new Promise((r) => setTimeout(r, Number(process.env.STRATA_BENCH_SETTLE_MS)));
  const baseline = chromiumRssBytes();
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, chromiumRssBytes())), 50);
  const bytes = fs.statSync(c.file).size;
  const cpu0 = workerCpuSeconds();
  const t0 = performance.now();
  await strata.upload(c.file);
  let outcome = 'loaded';
  try {
    await Promise.race([
      strata.waitLoaded(path.basename(c.file)),
      page.locator('[data-testid=error]').waitFor({ timeout: 600_000 }).then(async () => {
        outcome = 'error: ' + (await page.locator('[data-testid=error-message]').innerText());
      }),
    ]);
  } catch (e) {
    outcome = 'failed: ' + e.message.split('\n')[0];
  }
  const wallMs = performance.now() - t0;
  const loadCpu = workerCpuDelta(cpu0, workerCpuSeconds());
  clearInterval(timer);
  const workerMs = outcome === 'loaded' ? Number(await page.locator('[data-testid=load-meta]').getAttribute('data-elapsed-ms')) : NaN;
  const r = {
    case: c.label,
    file_mb: +(bytes / 1e6).toFixed(1),
    outcome,
    wall_s: +(wallMs / 1000).toFixed(2),
    worker_s: +(workerMs / 1000).toFixed(2),
    mb_per_s: +(bytes / 1e6 / (workerMs / 1000)).toFixed(0),
    // CPU seconds of the busiest worker thread (the load) and of the others (the hash worker).
    load_cpu_s: +(loadCpu[0] ?? 0).toFixed(2),
    other_workers_cpu_s: +loadCpu.slice(1).reduce((a, b) => a + b, 0).toFixed(2),
    baseline_rss_mb: Math.round(baseline / 1e6),
    peak_rss_mb: Math.round(peak / 1e6),
    growth_over_file: +((peak - baseline) / bytes).toFixed(2),
  };
  // Profiling the loaded table: the worker's own time (data-elapsed-ms) and the wall time
  // from the click to the report on screen (or the error shown instead, for the tab's limits).
  if (outcome === 'loaded') {
    const pc0 = workerCpuSeconds();
    const p0 = performance.now();
    await page.locator('[data-testid=rail-profile]').click();
    const error = page.locator('[data-testid=error]');
    const shown = await Promise.race([
      page.locator('[data-testid=profile-summary]').waitFor({ timeout: 600_000 }).then(() => 'profiled'),
      error.waitFor({ timeout: 600_000 }).then(async () => 'error: ' + (await error.innerText())),
    ]);
    if (shown !== 'profiled') {
      r.profile_outcome = shown;
      results.push(r);
      console.log(JSON.stringify(r));
      await browser.close();
      continue;
    }
    r.profile_summary = await page.locator('[data-testid=profile-summary] .meta').innerText();
    r.profile_wall_s = +((performance.now() - p0) / 1000).toFixed(2);
    r.profile_worker_s = +(Number(await page.locator('[data-testid=profile-summary]').getAttribute('data-elapsed-ms')) / 1000).toFixed(2);
    r.profile_cpu_s = +(workerCpuDelta(pc0, workerCpuSeconds())[0] ?? 0).toFixed(2);
    r.profile_peak_rss_mb = Math.round(Math.max(peak, chromiumRssBytes()) / 1e6);
  }
  results.push(r);
  console.log(JSON.stringify(r));
  await browser.close();
}
await server.close();
console.table(results);
fs.writeFileSync(path.join(dataDir, 'results.json'), JSON.stringify(results, null, 2));
