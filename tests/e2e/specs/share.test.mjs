// Shareable recipes: a teacher copies a link that carries the recipe (no data); a student opens
// it, loads their own file, and runs the same steps on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStrata } from '../lib/session.mjs';
import { fixture } from '../lib/fixtures.mjs';
import { StrataPage } from '../lib/strata_page.mjs';
import { tool, applyAndWait } from '../lib/clean.mjs';

const env = useStrata();

test('a recipe link opened by a student runs the same steps on their own file', async () => {
  // The teacher scales two columns of train.csv and copies the link.
  const { page, strata } = await env.open();
  await strata.load(fixture('clean', 'train.csv'));
  await strata.openStep('clean');
  const sc = tool(page, 'scale');
  await sc.locator('[data-testid=scale-col-age]').check();
  await sc.locator('[data-testid=scale-col-income]').check();
  await applyAndWait(page, 'scale');
  await strata.openStep('export');
  const box = page.locator('[data-testid=share-link]');
  await box.waitFor({ timeout: 60_000 });
  const link = await box.inputValue();
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#recipe=[A-Za-z0-9_-]+$/);
  // The link holds steps, not data: no value of the file is in it.
  const recipe = JSON.parse(Buffer.from(link.split('#recipe=')[1], 'base64url').toString('utf8'));
  assert.deepEqual(recipe.steps.map((s) => s.op), ['load', 'scale']);
  assert.ok(!link.includes('New%20York') && !JSON.stringify(recipe).includes('New York'));

  // The student opens the link in their own browser, loads their file and runs the recipe.
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const student = await context.newPage();
  const s = new StrataPage(student, link);
  await s.open();
  const shared = student.locator('[data-testid=shared-recipe]');
  await shared.waitFor();
  assert.equal(await shared.locator('[data-testid=shared-steps] li').count(), 2);
  await s.load(fixture('clean', 'test.csv'));
  await shared.locator('[data-testid=shared-source-train]').selectOption('test');
  await shared.locator('[data-testid=shared-run]').click();
  await s.openStep('export');
  await student.locator('[data-testid=export-row][data-dataset="test.scaled"]').waitFor({ timeout: 60_000 });
  // Their recipe now has the same steps, fitted on their data.
  const theirs = await student.locator('[data-testid=share-link]').inputValue();
  const again = JSON.parse(Buffer.from(theirs.split('#recipe=')[1], 'base64url').toString('utf8'));
  assert.deepEqual(again.steps.map((x) => x.op), ['load', 'scale']);
  assert.deepEqual(again.steps[1].columns, recipe.steps[1].columns);
  assert.equal(again.steps[0].source.name, 'test.csv');
  assert.notDeepEqual(again.steps[1].fitted, recipe.steps[1].fitted);
  assert.deepEqual(s.consoleErrors, []);
  await context.close();
});
