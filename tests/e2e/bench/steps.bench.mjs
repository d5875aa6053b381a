// In-browser benchmark of the derived steps: the real page (release build), the 1M-row synthetic
// orders table loaded through the file input, then each step driven through its panel like a
// person would, several times:
//   clean   z-score of amount and unit_price; a chain of five transforms (impute amount with its
//           mean, cap amount at Tukey's fences, z-score amount and unit_price, one-hot encode
//           category, standardize country: trim and lower case), each fed the previous output;
//   sample  a 10% simple random sample (seeded);
//   compare the table (seed 42) with one drawn with seed 43: drift of every column ("Drift only")
//           and the keyed row diff by order_id ("Rows only").
// For each run: the worker's own time for the step (data-elapsed-ms of the step's summary: the
// step and its report, without the message to the page) and the page round trip (click to
// the result on screen, timed here). Medians and every run are printed; JSON goes to
// $STRATA_BENCH_DIR/steps.json.
// Run: trunk build --release && cargo build --release --bin strata && node tests/e2e/bench/steps.bench.mjs
// STRATA_BENCH_ROWS (default 1000000), STRATA_BENCH_RUNS (default 7), STRATA_BENCH_ONLY=clean,sample,compare,
// STRATA_DIST (default dist/), STRATA_BENCH_CONSOLE=1 to echo the console.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';
import { StrataPage } from '../lib/strata_page.mjs';
import { tool } from '../lib/clean.mjs';
import { root, strataBin, dataDir } from '../lib/bench.mjs';

const rows = Number(process.env.STRATA_BENCH_ROWS || 1000000);
const runs = Number(process.env.STRATA_BENCH_RUNS || 7);
const only = (process.env.STRATA_BENCH_ONLY || 'clean,sample,compare').split(',');

function synth(seed, suffix) {
  const file = path.join(dataDir, `orders_${rows}${suffix}.csv`);
  if (!fs.existsSync(file)) execFileSync(strataBin, ['synth', '--rows', String(rows), '--seed', String(seed), '--out', file], { stdio: 'inherit' });
  return file;
}
const fileA = synth(42, '');
const fileB = only.includes('compare') ? synth(43, '_seed43') : null;
const A = path.basename(fileA, '.csv');
const B = fileB && path.basename(fileB, '.csv');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => x.toFixed(0);

/**
 * Clicks an apply button and waits until the worker has answered: the button is disabled while
 * the step runs (state.applying) and enabled again once its result is on the page. A
 * MutationObserver sees both changes however fast the step is, so a result with the same
 * numbers as the previous run is not mistaken for it. Returns the page round trip in ms.
 */
async function timedClick(page, button) {
  const sel = `[data-testid="${button}"]`;
  await page.evaluate((s) => {
    const b = document.querySelector(s);
    const w = (window.__strataBench = { disabled: false, done: false });
    const obs = new MutationObserver(() => {
      if (b.disabled) w.disabled = true;
      else if (w.disabled) {
        w.done = true;
        obs.disconnect();
      }
    });
    obs.observe(b, { attributes: true, attributeFilter: ['disabled'] });
  }, sel);
  const t0 = performance.now();
  await page.locator(sel).click();
  await page.waitForFunction(() => window.__strataBench.done || document.querySelector('[data-testid=error]'), null, { timeout: 300_000, polling: 'raf' });
  const wall = performance.now() - t0;
  if (await page.locator('[data-testid=error]').count()) {
    throw new Error(`${button}: ${await page.locator('[data-testid=error-message]').innerText()}`);
  }
  return wall;
}

async function elapsed(locator) {
  const v = await locator.getAttribute('data-elapsed-ms');
  if (v === null) throw new Error('no data-elapsed-ms');
  return Number(v);
}

/** The Transform checkboxes and Fit on select of a fitted tool: transform and fit on `input` only. */
async function fitTargets(page, op, input) {
  const boxes = tool(page, op).locator(`[data-testid=${op}-inputs] input[type=checkbox]`);
  const want = `${op}-input-${input}`;
  await tool(page, op).locator(`[data-testid="${want}"]`).check();
  for (const b of await boxes.all()) {
    if ((await b.getAttribute('data-testid')) !== want) await b.uncheck();
  }
  await tool(page, op).locator(`[data-testid=${op}-fit-on]`).selectOption(input);
}

async function columns(page, op, cols) {
  for (const c of cols) await tool(page, op).locator(`[data-testid="${op}-col-${c}"]`).check();
}

/** Runs one clean tool on `input` and returns { worker, wall } in ms. */
async function cleanStep(page, op, input, configure) {
  if (op === 'standardize') {
    await tool(page, op).locator('[data-testid=standardize-input]').selectOption(input);
  } else {
    await fitTargets(page, op, input);
  }
  await configure();
  const wall = await timedClick(page, `${op}-apply`);
  const worker = await elapsed(tool(page, op).locator(`[data-testid=${op}-result] [data-testid=step-summary]`));
  return { worker, wall };
}

const zscore = (input) => ['scale', input, async (page) => {
  await columns(page, 'scale', ['amount', 'unit_price']);
  await tool(page, 'scale').locator('[data-testid=scale-method]').selectOption('zscore');
}];
const chain = [
  ['impute', A, async (page) => {
    await columns(page, 'impute', ['amount']);
    await tool(page, 'impute').locator('[data-testid=impute-strategy]').selectOption('mean');
  }],
  ['outliers', `${A}.imputed`, async (page) => {
    await columns(page, 'outliers', ['amount']);
    await tool(page, 'outliers').locator('[data-testid=outliers-rule]').selectOption('iqr');
    await tool(page, 'outliers').locator('[data-testid=outliers-action]').selectOption('cap');
  }],
  zscore(`${A}.imputed.capped`),
  ['encode', `${A}.imputed.capped.scaled`, async (page) => {
    await columns(page, 'encode', ['category']);
    await tool(page, 'encode').locator('[data-testid=encode-method]').selectOption('onehot');
  }],
  ['standardize', `${A}.imputed.capped.scaled.encoded`, async (page) => {
    const t = tool(page, 'standardize');
    await t.locator('[data-testid=standardize-column]').selectOption('country');
    await t.locator('[data-testid=standardize-trim]').check();
    await t.locator('[data-testid=standardize-case]').selectOption('lower');
  }],
];

const results = [];
// The machine may be shared: the 1-minute load average beside each figure says how busy it was.
const load = () => os.loadavg()[0].toFixed(2);
function report(name, target, times, extra = '') {
  const w = times.map((t) => t.worker);
  const p = times.map((t) => t.wall);
  const r = { name, rows, target_ms: target, worker_median_ms: median(w), wall_median_ms: median(p), worker_runs_ms: w, wall_runs_ms: p.map((x) => +x.toFixed(1)), load_avg_1min: +load() };
  r.met = r.worker_median_ms <= target;
  results.push(r);
  console.log(
    `${name}, ${rows.toLocaleString('en')} rows: worker median ${fmt(r.worker_median_ms)} ms (target ≤ ${target} ms, ${r.met ? 'met' : 'MISSED'}); ` +
      `runs ${w.map(fmt).join(', ')}; page round trip median ${fmt(r.wall_median_ms)} ms (runs ${p.map(fmt).join(', ')})${extra}; load average ${load()}`,
  );
  return r;
}

console.log(`${os.cpus().length} CPUs, load average ${load()} at the start`);
const server = await startServer(process.env.STRATA_DIST || path.join(root, 'dist'));
const browser = await launch();
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
const strata = new StrataPage(page, server.url);
// STRATA_BENCH_CONSOLE=1 echoes the page's and the worker's console (e.g. timings logged by a
// locally instrumented build).
if (process.env.STRATA_BENCH_CONSOLE) page.on('console', (m) => console.log(`  [console] ${m.text()}`));
await strata.open();
await strata.load(fileA);

if (only.includes('clean')) {
  await strata.openStep('clean');
  const [op, input, configure] = zscore(A);
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await cleanStep(page, op, input, () => configure(page)));
  report('clean: z-score of amount, unit_price', 100, times);

  const perStep = chain.map(() => []);
  const totals = [];
  for (let i = 0; i < runs; i++) {
    const t = { worker: 0, wall: 0 };
    for (const [k, [op, input, configure]] of chain.entries()) {
      const s = await cleanStep(page, op, input, () => configure(page));
      perStep[k].push(s);
      t.worker += s.worker;
      t.wall += s.wall;
    }
    totals.push(t);
  }
  const last = await page.locator(`[data-testid=clean-standardize] [data-testid=standardize-result] [data-testid=step-summary]`).getAttribute('data-rows-out');
  if (Number(last) !== rows) throw new Error(`the chain ended with ${last} rows`);
  const parts = chain.map(([op], k) => `${op} ${fmt(median(perStep[k].map((s) => s.worker)))}`).join(', ');
  report('clean: chain of 5 (impute, cap, z-score, one-hot, standardize)', 500, totals, `; per step worker medians: ${parts} ms`);
  results.at(-1).per_step_worker_median_ms = Object.fromEntries(chain.map(([op], k) => [op, median(perStep[k].map((s) => s.worker))]));
}

if (only.includes('sample')) {
  await strata.openStep('sample');
  const t = page.locator('[data-testid=sample-tool]');
  await t.locator('[data-testid=sample-input]').selectOption(A);
  await t.locator('[data-testid=sample-method]').selectOption('random');
  await t.locator('[data-testid=sample-size]').fill('10');
  await t.locator('[data-testid=sample-unit]').selectOption('percent');
  await t.locator('[data-testid=sample-seed]').fill('7');
  const times = [];
  for (let i = 0; i < runs; i++) {
    const wall = await timedClick(page, 'sample-apply');
    times.push({ worker: await elapsed(t.locator('[data-testid=step-summary]')), wall });
  }
  const out = Number(await t.locator('[data-testid=step-summary]').getAttribute('data-rows-out'));
  if (out !== Math.round(rows / 10)) throw new Error(`the sample has ${out} rows`);
  report('sample: 10% simple random sample (with its representativeness report)', 100, times);
}

if (only.includes('compare')) {
  await strata.openStep('load');
  await strata.load(fileB);
  await strata.openStep('compare');
  const panel = page.locator('[data-testid=panel-compare]');
  await panel.locator('[data-testid=compare-left]').selectOption(A);
  await panel.locator('[data-testid=compare-right]').selectOption(B);
  const compareRuns = async () => {
    const times = [];
    for (let i = 0; i < runs; i++) {
      const wall = await timedClick(page, 'compare-run');
      times.push({ worker: await elapsed(panel.locator('[data-testid=compare-elapsed]')), wall });
    }
    return times;
  };
  await panel.locator('[data-testid=compare-key-order_id]').uncheck();
  await panel.locator('[data-testid=compare-parts]').selectOption('drift');
  const drift = await compareRuns();
  const columnsCompared = await panel.locator('tr[data-testid^=compare-drift-]').count();
  if (await panel.locator('[data-testid=compare-rows]').count()) throw new Error('drift only made a row diff');
  report(`compare: drift of all ${columnsCompared} columns (drift only)`, 1000, drift);
  await panel.locator('[data-testid=compare-key-order_id]').check();
  await panel.locator('[data-testid=compare-parts]').selectOption('rows');
  const keyed = await compareRuns();
  if (await panel.locator('[data-testid=compare-drift]').count()) throw new Error('rows only measured drift');
  const changed = Number(await panel.locator('[data-testid=compare-rows]').getAttribute('data-changed'));
  report(`compare: keyed diff by order_id (rows only; ${changed.toLocaleString('en')} rows changed)`, 2000, keyed);
}

fs.writeFileSync(path.join(dataDir, 'steps.json'), JSON.stringify(results, null, 2));
await browser.close();
await server.close();
