// Export through the real page: versioned files, the version history (IndexedDB) with a MAJOR
// bump when columns change, the lineage JSON with the recipe, the lineage graph, and a native
// replay of the downloaded lineage that gives byte-identical files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { useStrata } from '../lib/session.mjs';
import { fixture } from '../lib/fixtures.mjs';

const env = useStrata();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

function strataBin() {
  const target = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
  // Built here (a no-op when `cargo test` already built it) so the binary matches this tree.
  execFileSync('cargo', ['build', '--quiet', '--bin', 'strata'], { cwd: root, stdio: 'inherit' });
  return path.join(target, 'debug', 'strata');
}

async function keepColumns(page, strata, drop, output) {
  await strata.openStep('clean');
  const tool = page.locator('[data-testid=columns-tool]');
  for (const c of drop) await tool.locator(`[data-testid=keep-${c}]`).uncheck();
  await tool.locator('[data-testid=columns-output]').fill(output);
  await tool.locator('[data-testid=columns-apply]').click();
  await strata.stepSummary(tool);
}

test('versioned exports, history, lineage JSON and graph, and a native byte-identical replay', async () => {
  const { context, page, strata } = await env.open();
  await strata.load(fixture('people.csv'));
  await keepColumns(page, strata, ['joined'], 'slim');
  await strata.openStep('export');
  const panel = page.locator('[data-testid=panel-export]');
  await panel.locator('[data-testid=clear-history]').click();
  // Snapshots: the exported files are kept in this browser too, so versions can be compared in full.
  await panel.locator('[data-testid=keep-snapshot]').check();
  await panel.locator('[data-testid=export-row][data-dataset=slim]').waitFor();
  assert.equal(await panel.locator('[data-testid=version-slim]').inputValue(), '1.0.0');
  const first = await strata.download('[data-testid=export-slim]');
  assert.match(first.name, /^slim_v1\.0\.0_\d{4}-\d{2}-\d{2}_[0-9a-f]{12}\.parquet$/);
  assert.equal(first.name.split('_').pop().slice(0, 12), sha256(first.bytes).slice(0, 12));
  await panel.locator('[data-testid=history-row][data-dataset=slim][data-version="1.0.0"]').waitFor();
  // The same content keeps its version.
  await page.waitForFunction(() => /same content/.test(document.querySelector('[data-testid=version-reason-slim]')?.textContent || ''));
  // Dropping a column is a schema change: MAJOR.
  await keepColumns(page, strata, ['joined', 'amount'], 'slim');
  await strata.openStep('export');
  await page.waitForFunction(() => document.querySelector('[data-testid=version-slim]')?.value === '2.0.0');
  assert.match(await panel.locator('[data-testid=version-reason-slim]').innerText(), /removed amount.*MAJOR/);
  await panel.locator('[data-testid=export-format]').selectOption('csv');
  const second = await strata.download('[data-testid=export-slim]');
  assert.match(second.name, /^slim_v2\.0\.0_.*\.csv$/);
  assert.equal(second.bytes.toString('utf8').split('\n')[0], 'id,name');
  await panel.locator('[data-testid=history-row]').nth(1).waitFor();
  // Compare the two versions from the history.
  await panel.locator('[data-testid=history-pick-0]').check();
  await panel.locator('[data-testid=history-pick-1]').check();
  assert.match(await panel.locator('[data-testid=history-compare]').innerText(), /Removed: amount/);
  // Both snapshots are kept: their data is compared in full (the Parquet v1 against the CSV v2),
  // keyed by id, and nothing is added to the session's recipe.
  assert.equal(await panel.locator('[data-testid=snapshot-kept]').count(), 2);
  const full = panel.locator('[data-testid=snapshot-compare]');
  await full.locator('[data-testid=snapshot-keys]').fill('id');
  await full.locator('[data-testid=compare-snapshots]').click();
  await full.locator('[data-testid=compare-result]').waitFor({ timeout: 60_000 });
  assert.match(await full.locator('[data-testid=compare-schema]').innerText(), /amount/);
  assert.match(await full.locator('[data-testid=compare-verdict]').innerText(), /\S/);
  // The lineage graph: the source file, the datasets, the exported file, rows on the edges.
  await panel.locator('[data-testid=graph-node][data-kind=file]').first().waitFor();
  assert.equal(await panel.locator('[data-testid=graph-node][data-kind=source]').count(), 1);
  const rows = await panel.locator('[data-testid=graph-edge][data-to=slim]').getAttribute('data-rows');
  assert.ok(Number(rows) > 0);
  // The lineage JSON: an OpenLineage COMPLETE event carrying the recipe and the export.
  const lineage = await strata.download('[data-testid=download-lineage]');
  assert.equal(lineage.name, 'lineage.json');
  const event = JSON.parse(lineage.bytes.toString('utf8'));
  assert.equal(event.eventType, 'COMPLETE');
  assert.equal(event.inputs[0].name, 'people.csv');
  const out = event.outputs.find((o) => o.name === second.name);
  assert.equal(out.facets.version.datasetVersion, `sha256:${sha256(second.bytes)}`);
  assert.ok(event.run.facets.strata_recipe.steps.some((s) => s.op === 'columns'));
  // The bundle: the ticked datasets as versioned files, the recipe and the lineage.
  await panel.locator('[data-testid=bundle-people]').uncheck();
  const bundle = await strata.download('[data-testid=download-bundle]');
  assert.match(bundle.name, /^strata_bundle_\d{4}-\d{2}-\d{2}\.zip$/);
  const zipPath = path.join(os.tmpdir(), `strata-bundle-${process.pid}.zip`);
  fs.writeFileSync(zipPath, bundle.bytes);
  const names = JSON.parse(
    execFileSync('python3', ['-c', 'import json,sys,zipfile; print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))', zipPath]).toString(),
  );
  assert.ok(names.some((n) => /^data\/slim_v2\.0\.0_.*\.csv$/.test(n)), names.join(', '));
  assert.ok(!names.some((n) => n.startsWith('data/people')), names.join(', '));
  assert.ok(names.includes('lineage.json') && names.includes('recipe.json'), names.join(', '));
  // The bundle's data file is named with its own hash and is kept in the version history.
  const inBundle = names.find((n) => n.startsWith('data/slim_')).slice('data/'.length);
  const entry = execFileSync('python3', ['-c', 'import sys,zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))', zipPath, `data/${inBundle}`]);
  assert.equal(inBundle.split('_').pop().slice(0, 12), sha256(entry).slice(0, 12));
  await panel.locator('[data-testid=history-row]').nth(2).waitFor();
  assert.match(await panel.locator('[data-testid=history]').innerText(), new RegExp(inBundle.replace(/\./g, '\\.')));
  // The bundle itself replays natively (its lineage.json is read from the zip).
  const fromZip = JSON.parse(
    execFileSync(strataBin(), ['replay', zipPath, fixture('people.csv'), '--out', fs.mkdtempSync(path.join(os.tmpdir(), 'strata-zip-'))]).toString(),
  );
  assert.equal(fromZip.all_match, true, JSON.stringify(fromZip, null, 2));
  // Native replay of the browser's lineage: the same bytes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-replay-'));
  fs.writeFileSync(path.join(dir, 'lineage.json'), lineage.bytes);
  const report = JSON.parse(
    execFileSync(strataBin(), ['replay', path.join(dir, 'lineage.json'), fixture('people.csv'), '--out', path.join(dir, 'out')]).toString(),
  );
  assert.equal(report.all_match, true, JSON.stringify(report, null, 2));
  assert.equal(sha256(fs.readFileSync(path.join(dir, 'out', second.name))), sha256(second.bytes));
  // Replay in the browser: the lineage and the input file; every hash matches.
  await panel.locator('[data-testid=replay-input]').setInputFiles([path.join(dir, 'lineage.json'), fixture('people.csv')]);
  const verdict = panel.locator('[data-testid=replay-verdict]');
  await verdict.waitFor({ timeout: 60_000 });
  assert.equal(await verdict.getAttribute('data-all-match'), 'true', await verdict.innerText());
  assert.equal(await panel.locator(`[data-testid=replay-check][data-name="${second.name}"]`).getAttribute('data-matches'), 'true');
  // Dropping the bundle instead of the lineage JSON replays the same way.
  await panel.locator('[data-testid=replay-input]').setInputFiles([zipPath, fixture('people.csv')]);
  await page.waitForFunction(
    (name) => !!document.querySelector(`[data-testid=replay-check][data-name="${name}"]`),
    inBundle,
    { timeout: 60_000 },
  );
  assert.equal(await verdict.getAttribute('data-all-match'), 'true', await verdict.innerText());
  assert.equal(await panel.locator(`[data-testid=replay-check][data-name="${inBundle}"]`).getAttribute('data-matches'), 'true');
  // A different input is refused by its hash before anything runs.
  const edited = path.join(dir, 'people.csv');
  fs.writeFileSync(edited, fs.readFileSync(fixture('people.csv'), 'utf8') + '99,Zed,1.5,2024-05-05\n');
  await panel.locator('[data-testid=replay-input]').setInputFiles([path.join(dir, 'lineage.json'), edited]);
  await page.locator('[data-testid=error]').waitFor();
  assert.match(await page.locator('[data-testid=error-message]').innerText(), /is not the file the recipe was made from.*Nothing was run/s);
  assert.deepEqual(strata.consoleErrors, []);
  await context.close();
});
