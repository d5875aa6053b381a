// The in-app glossary (issue 10, "Explanations"): terms in the panels' explanations are links
// that open the glossary at their entry with the focus on it; Escape or Close returns to the link.
// Every panel explains itself with at least one term and says what changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStrata } from '../lib/session.mjs';
import { fixture } from '../lib/fixtures.mjs';

const env = useStrata();

/** What the focused element is: its id, the heading it holds, the term link it is. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return {
      id: el?.id ?? '',
      heading: el?.querySelector('h4')?.textContent ?? '',
      term: el?.dataset?.term ?? '',
      panel: el?.closest('[data-testid^=panel-]')?.dataset.testid ?? '',
    };
  });
}

/** Whether the element is drawn inside the window (not scrolled out of the dialog). */
function inView(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight + 1;
  });
}

async function expectEntry(page, id, heading) {
  const dialog = page.locator('[data-testid=glossary]');
  assert.ok(await dialog.isVisible(), 'the glossary is open');
  assert.equal(await dialog.evaluate((d) => d.open && d.matches(':modal')), true);
  const entry = page.locator(`#glossary-${id}`);
  assert.ok(await entry.isVisible());
  assert.ok(await inView(entry.locator('h4')), `the heading of ${id} is in view`);
  const f = await focused(page);
  assert.equal(f.id, `glossary-${id}`);
  assert.equal(f.heading, heading);
}

test('a term in a panel opens the glossary at its entry; Close and Escape return to the link', async () => {
  const { page, strata } = await env.open();
  await strata.load(fixture('compare', 'orders.csv'));
  const changed = await page.locator('[data-testid=panel-load] [data-testid=what-changed]').innerText();
  assert.match(changed, /What changed: a file of .* became a table of 2,000 rows × \d+ columns/);

  // Validate: click "quarantine", read the entry, close with the button.
  await strata.openStep('validate');
  const quarantine = page.locator('[data-testid=panel-validate] .explain a.term[data-term=quarantine]');
  await quarantine.click();
  await expectEntry(page, 'quarantine', 'Quarantine');
  await page.locator('[data-testid=glossary-close]').click();
  assert.equal(await page.locator('[data-testid=glossary]').isVisible(), false);
  assert.deepEqual(await focused(page), { id: '', heading: '', term: 'quarantine', panel: 'panel-validate' });
  assert.equal(await page.locator('[data-testid=rail-validate]').getAttribute('aria-current'), 'step');

  // Compare: a term deep in the dialog (PSI is near the end) scrolls into view; Escape closes.
  await strata.openStep('compare');
  await page.locator('[data-testid=panel-compare] .compare-thresholds summary').click();
  await page.locator('[data-testid=panel-compare] a.term[data-term=psi]').first().click();
  await expectEntry(page, 'psi', 'PSI — population stability index');
  // Another entry's "see also" moves within the glossary.
  await page.locator('#glossary-psi .see-also a.term[data-term=data-drift]').click();
  await expectEntry(page, 'data-drift', 'Data drift');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-testid=glossary]').isVisible(), false);
  assert.deepEqual(await focused(page), { id: '', heading: '', term: 'psi', panel: 'panel-compare' });

  // The header opens the glossary at its top.
  await page.locator('[data-testid=open-glossary]').click();
  assert.equal((await focused(page)).id, 'glossary-title');
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'open-glossary');
  // The address keeps no trace of the glossary (its fragment is for shared recipes).
  assert.equal(new URL(page.url()).hash, '');
  strata.assertNoConsoleErrors();
});

test('keyboard only: Tab to a term, Enter opens its entry, Tab stays in the glossary, Escape returns', async () => {
  const { page, strata } = await env.open();
  await strata.load(fixture('people.csv'));
  await page.locator('[data-testid=rail-profile]').focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=profile-summary]').waitFor({ timeout: 120_000 });
  // Tab forward until the "duplicates" term of the Profile explanation has the focus.
  let f;
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    f = await focused(page);
    if (f.term === 'duplicate' && f.panel === 'panel-profile') break;
  }
  assert.equal(f.term, 'duplicate', 'reached the term by Tab');
  await page.keyboard.press('Enter');
  await expectEntry(page, 'duplicate', 'Duplicate');
  // The dialog is modal: Tab goes to the entry's "see also" links, not back to the page.
  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.equal(f.term, 'primary-key');
  assert.equal(await page.evaluate(() => !!document.activeElement.closest('#glossary-duplicate')), true);
  await page.keyboard.press('Enter');
  await expectEntry(page, 'primary-key', 'Primary key');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-testid=glossary]').isVisible(), false);
  assert.deepEqual(await focused(page), { id: '', heading: '', term: 'duplicate', panel: 'panel-profile' });
  strata.assertNoConsoleErrors();
});

test('every panel explains itself with glossary terms and says what changed', async () => {
  const { page, strata } = await env.open();
  await strata.load(fixture('people.csv'));
  for (const step of ['load', 'profile', 'validate', 'clean', 'sample', 'compare', 'export']) {
    await strata.openStep(step);
    const panel = page.locator(`[data-testid=panel-${step}]`);
    assert.ok((await panel.locator('.explain').count()) > 0, `${step} has an explanation`);
    const terms = await panel.locator('a.term').evaluateAll((as) => as.map((a) => a.dataset.term));
    assert.ok(terms.length > 0, `${step} links a glossary term`);
    for (const t of new Set(terms)) assert.equal(await page.locator(`#glossary-${t}`).count(), 1, `${step}: ${t} has an entry`);
  }
  await strata.openStep('profile');
  await page.locator('[data-testid=profile-summary]').waitFor({ timeout: 120_000 });
  assert.match(await page.locator('[data-testid=panel-profile] [data-testid=what-changed]').innerText(), /nothing — a profile only reads the data\. people stays \d+ rows × 4 columns/);
  // A step that drops a column: rows and columns in → out.
  await strata.openStep('clean');
  const tool = page.locator('[data-testid=columns-tool]');
  await tool.locator('[data-testid=keep-joined]').uncheck();
  await tool.locator('[data-testid=columns-apply]').click();
  const summary = tool.locator('[data-testid=step-summary]');
  await summary.waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=columns-tool] [data-testid=step-summary]')?.dataset.columnsOut === '3');
  assert.equal(await summary.getAttribute('data-columns-in'), '4');
  assert.match(await summary.innerText(), /What changed: (\d+) rows in → \1 rows out; 4 columns in → 3 columns out/);
  strata.assertNoConsoleErrors();
});
