// Offline use: after a first visit the service worker holds the app, so with the network off the
// page reloads and a whole load → profile → export cycle works (nothing needs the network).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStrata } from '../lib/session.mjs';
import { fixture } from '../lib/fixtures.mjs';

const env = useStrata();

test('with the network off after a first visit, the app reloads and loads, profiles and exports a file', async () => {
  const { context, page, strata } = await env.open();
  // The service worker is installed and the page says the app works offline.
  await page.waitForFunction(() => document.documentElement.dataset.offline === 'ready', null, { timeout: 60_000 });
  assert.ok(await page.locator('[data-testid=offline-ready]').isVisible());
  const cached = await page.evaluate(async () => {
    const keys = await caches.keys();
    const names = [];
    for (const k of keys) for (const r of await (await caches.open(k)).keys()) names.push(new URL(r.url).pathname);
    return names;
  });
  for (const f of ['/index.html', '/app_bg.wasm', '/worker_bg.wasm', '/worker_loader.js', '/boot.js', '/style.css']) {
    assert.ok(cached.some((n) => n.endsWith(f)), `${f} is cached: ${cached.join(', ')}`);
  }

  await context.setOffline(true);
  // The network is really off: a request to the page's own server fails from the page.
  const online = await page.evaluate(() => fetch('/no-such-file-' + Date.now(), { cache: 'no-store' }).then(() => true, () => false));
  assert.equal(online, false);
  strata.consoleErrors.length = 0; // the probe's own failure
  await page.reload();
  await page.getByRole('heading', { name: 'Strata' }).waitFor();
  await page.waitForFunction(() => !document.body.innerText.includes('Starting the worker'), null, { timeout: 60_000 });

  await strata.load(fixture('people.csv'));
  assert.ok((await strata.rowCount()) > 0);
  await strata.openProfile();
  await strata.openStep('export');
  const panel = page.locator('[data-testid=panel-export]');
  await panel.locator('[data-testid=export-row][data-dataset=people]').waitFor();
  const file = await strata.download('[data-testid=export-people]');
  assert.match(file.name, /^people_v\d+\.\d+\.\d+_.*\.parquet$/);
  assert.equal(file.bytes.subarray(0, 4).toString(), 'PAR1');
  // Nothing the app needed failed to load.
  assert.deepEqual(strata.consoleErrors, []);
  await context.setOffline(false);
});
