// Writes docs/screenshots/<panel>.png: the real page with the orders demo and its modified copy
// loaded and each panel showing a result. Run: trunk build && node tests/e2e/bench/screenshots.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';
import { StrataPage } from '../lib/strata_page.mjs';
import { fixture } from '../lib/fixtures.mjs';
import { drawSample } from '../lib/sample.mjs';
import { ComparePanel } from '../lib/compare.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../../../docs/screenshots');
const server = await startServer();
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const strata = new StrataPage(page, server.url);
await strata.open();
await strata.load(fixture('compare', 'orders.csv'));
await strata.load(fixture('compare', 'orders_v2.csv'));
const shots = {
  profile: async () => page.locator('[data-testid=profile-summary]').waitFor({ timeout: 120_000 }),
  sample: async () => drawSample(page, { method: 'stratified', size: 10, unit: 'percent', columns: ['country'], allocation: 'proportional', seed: 7 }),
  compare: async () => new ComparePanel(page).run({ left: 'orders', right: 'orders_v2', keys: ['order_id'] }),
};
for (const step of ['load', 'profile', 'validate', 'clean', 'sample', 'compare', 'export']) {
  await strata.openStep(step);
  if (shots[step]) await shots[step]();
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(out, `${step}.png`) });
  console.log(`docs/screenshots/${step}.png`);
}
await browser.close();
await server.close();
