// Startup benchmark: the release build served on localhost, the page opened N times in Chromium
// with a cold cache (a fresh browser context each time: empty HTTP cache, no compiled-wasm
// cache, no service worker), timed from navigation start:
//   fcp           first-contentful-paint (the body is empty until the page's wasm draws it)
//   ready         performance.mark('strata-ready'): the shell and the Load panel are mounted
//   worker ready  performance.mark('strata-worker-ready'): the worker's wasm runs, a file can load
// Also the sizes of both wasm binaries, raw and gzipped (level 9, as `gzip -9`): the page's wasm
// is what stands between navigation and the first paint; the worker's loads in parallel.
// Medians and every run are printed; JSON goes to $STRATA_BENCH_DIR/startup.json.
// Run: trunk build --release && node tests/e2e/bench/startup.bench.mjs
// STRATA_BENCH_RUNS (default 10), STRATA_DIST (default dist/).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';
import { root, dataDir } from '../lib/bench.mjs';

const dist = process.env.STRATA_DIST || path.join(root, 'dist');
const runs = Number(process.env.STRATA_BENCH_RUNS || 10);

const MB = (n) => `${(n / 1e6).toFixed(2)} MB`;
const sizes = {};
for (const name of ['app_bg.wasm', 'worker_bg.wasm', 'app.js', 'worker.js']) {
  const bytes = fs.readFileSync(path.join(dist, name));
  sizes[name] = { raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
}
console.log(`dist: ${dist}`);
for (const [name, s] of Object.entries(sizes)) console.log(`  ${name.padEnd(15)} ${MB(s.raw).padStart(9)} raw, ${MB(s.gzip).padStart(9)} gzip -9`);

const server = await startServer(dist);
const browser = await launch();

async function once() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url);
  await page.waitForFunction(
    () =>
      performance.getEntriesByName('strata-worker-ready').length > 0 &&
      performance.getEntriesByName('first-contentful-paint').length > 0,
    null,
    { timeout: 60_000 },
  );
  const t = await page.evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? null;
    const nav = performance.getEntriesByType('navigation')[0];
    const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('/app_bg.wasm'));
    return {
      fcp: at('first-contentful-paint'),
      ready: at('strata-ready'),
      workerReady: at('strata-worker-ready'),
      domContentLoaded: nav?.domContentLoadedEventEnd ?? null,
      appWasmFetched: wasm?.responseEnd ?? null,
    };
  });
  // The Load panel is what a person sees first: it must be on the page by then.
  await page.locator('[data-testid=file-input]').waitFor({ state: 'attached' });
  await context.close();
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  return t;
}

// One load first, not counted: it starts Chromium's renderer and GPU processes.
await once();
const results = [];
for (let i = 0; i < runs; i++) results.push(await once());
await browser.close();
await server.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const keys = ['appWasmFetched', 'domContentLoaded', 'fcp', 'ready', 'workerReady'];
const medians = Object.fromEntries(keys.map((k) => [k, median(results.map((r) => r[k]))]));
const label = { appWasmFetched: 'page wasm fetched', domContentLoaded: 'DOMContentLoaded', fcp: 'first contentful paint', ready: 'strata-ready (Load panel)', workerReady: 'worker ready' };
console.log(`startup, ${runs} cold loads (median, ms from navigation start):`);
for (const k of keys) console.log(`  ${label[k].padEnd(26)} ${medians[k].toFixed(0).padStart(6)} ms   (runs ${results.map((r) => r[k].toFixed(0)).join(', ')})`);
const out = path.join(dataDir, 'startup.json');
fs.writeFileSync(out, JSON.stringify({ dist, runs, sizes, medians, results }, null, 2));
console.log(`wrote ${out}`);
