// Accessibility: axe-core finds no serious or critical violation on any panel, with data loaded
// and results shown (profile report, a drawn sample, a comparison) and with the glossary open,
// in the light and the dark theme, at 1280×720 and 1920×1080.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { useStrata } from '../lib/session.mjs';
import { fixture } from '../lib/fixtures.mjs';
import { drawSample } from '../lib/sample.mjs';
import { ComparePanel } from '../lib/compare.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const STEPS = ['load', 'profile', 'validate', 'clean', 'sample', 'compare', 'export'];

/** Serious and critical violations on the page as it is, with the elements they concern. */
async function violations(page) {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) is untouched.
  return page.evaluate(async (source) => {
    if (!window.axe) (0, eval)(source);
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  }, AXE);
}

for (const [width, height] of [[1280, 720], [1920, 1080]]) {
  for (const scheme of ['light', 'dark']) {
    const env = useStrata({ viewport: { width, height } });
    test(`no serious or critical axe violation on any panel (${width}×${height}, ${scheme})`, async () => {
      const { page, strata } = await env.open();
      await page.emulateMedia({ colorScheme: scheme });
      await strata.load(fixture('compare', 'orders.csv'));
      await strata.load(fixture('compare', 'orders_v2.csv'));
      const found = {};
      for (const step of STEPS) {
        await strata.openStep(step);
        if (step === 'profile') await page.locator('[data-testid=profile-summary]').waitFor({ timeout: 120_000 });
        if (step === 'sample') await drawSample(page, { method: 'random', size: 20, unit: 'percent', seed: 7 });
        if (step === 'compare') await new ComparePanel(page).run({ left: 'orders', right: 'orders_v2', keys: ['order_id'] });
        const v = await violations(page);
        if (v.length) found[step] = v;
      }
      // The glossary, opened at an entry from a term in the Export panel's explanation (the last step).
      await page.locator('[data-testid=panel-export] .explain a.term[data-term=lineage]').first().click();
      await page.waitForFunction(() => document.activeElement?.id === 'glossary-lineage');
      const g = await violations(page);
      if (g.length) found.glossary = g;
      await page.keyboard.press('Escape');
      assert.deepEqual(found, {}, JSON.stringify(found, null, 1));
    });
  }
}
