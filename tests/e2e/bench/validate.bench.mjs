// In-browser validation benchmark: the real page (release build), the 1M-row synthetic orders
// table loaded through the file input, the four rules (amount ≥ 0, email pattern,
// order_date ≥ signup_date, category in a set) pasted as Table Schema JSON, then "Run validation"
// five times; the worker's own time for the step (validation + quarantine split) is reported.
// Run: trunk build --release && node tests/e2e/bench/validate.bench.mjs
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';
import { StrataPage } from '../lib/strata_page.mjs';
import { root, strataBin, dataDir } from '../lib/bench.mjs';

const rows = Number(process.env.STRATA_BENCH_ROWS || 1000000);
const file = path.join(dataDir, `orders_${rows}.csv`);
if (!fs.existsSync(file)) execFileSync(strataBin, ['synth', '--rows', String(rows), '--out', file], { stdio: 'inherit' });

const FOUR_RULES = {
  fields: [
    { name: 'amount', type: 'number', constraints: { minimum: 0 } },
    { name: 'email', type: 'string', constraints: { pattern: '[^@\\s]+@[^@\\s]+\\.[^@\\s]+' } },
    { name: 'category', type: 'string', constraints: { enum: ['books', 'games', 'garden', 'tools', 'toys', 'music'] } },
  ],
  strata: { crossField: [{ name: 'order_after_signup', check: 'order_date >= signup_date' }] },
};

const server = await startServer(process.env.STRATA_DIST || path.join(root, 'dist'));
const browser = await launch();
const page = await browser.newPage();
const strata = new StrataPage(page, server.url);
await strata.open();
await strata.load(file);
await strata.openStep('validate');
const panel = page.locator('[data-testid=panel-validate]');
await panel.locator('[data-testid=validate-json-details] summary').click();
await panel.locator('[data-testid=validate-json]').fill(JSON.stringify(FOUR_RULES));
await panel.locator('[data-testid=validate-json-apply]').click();
const times = [];
let quarantined = '';
for (let i = 0; i < Number(process.env.STRATA_BENCH_RUNS || 7); i++) {
  // data-run counts results: two runs may well take the same number of milliseconds.
  const before = await panel.locator('[data-testid=validate-elapsed]').getAttribute('data-run').catch(() => null);
  const t0 = performance.now();
  await panel.locator('[data-testid=validate-run]').click();
  await page.waitForFunction(
    (b) => {
      const e = document.querySelector('[data-testid=validate-elapsed]');
      return e && e.dataset.run !== b && !document.querySelector('[data-testid=validate-run]').disabled;
    },
    before,
    { timeout: 120_000 },
  );
  const wall = performance.now() - t0;
  const ms = Number(await panel.locator('[data-testid=validate-elapsed]').getAttribute('data-ms'));
  times.push({ worker: ms, wall });
  quarantined = await panel.locator('[data-testid=validate-verdict]').innerText();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`validate four rules, ${rows.toLocaleString('en')} rows: worker median ${median(times.map((t) => t.worker)).toFixed(0)} ms ` +
  `(runs ${times.map((t) => t.worker.toFixed(0)).join(', ')}); page round trip median ${median(times.map((t) => t.wall)).toFixed(0)} ms`);
console.log(quarantined);
await browser.close();
await server.close();
