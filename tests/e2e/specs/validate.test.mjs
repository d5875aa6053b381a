// Validation through the real page: suggest rules from the profile, edit them in the form and as
// JSON, add a foreign key to a second file and a cross-field check, run, read each kind of
// failure with its example rows, and download the valid and quarantined rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStrata } from '../lib/session.mjs';
import { fixture } from '../lib/fixtures.mjs';

const env = useStrata();

const rows = (bytes) => bytes.toString('utf8').trim().split('\n');

test('suggested and edited rules find every kind of failure and split the rows', async () => {
  const { context, page, strata } = await env.open();
  await strata.load(fixture('validate', 'orders.csv'));
  await strata.openStep('validate');
  const panel = page.locator('[data-testid=panel-validate]');
  await panel.locator('[data-testid=validate-suggest]').click();
  // The suggestion arrives once the profile is done, for review: nothing is applied until
  // "Use these rules"; then one form row per column.
  await panel.locator('[data-testid=validate-accept]').waitFor({ timeout: 120_000 });
  assert.equal(await panel.locator('tr[data-field]').count(), 0);
  assert.match(await panel.locator('[data-testid=validate-suggestion-json]').innerText(), /"quantity"/);
  await panel.locator('[data-testid=validate-accept]').click();
  await panel.locator('[data-testid=rule-quantity-maximum]').waitFor({ timeout: 120_000 });
  assert.equal(await panel.locator('[data-testid=validate-suggestion]').count(), 0);
  assert.equal(await panel.locator('tr[data-field]').count(), 11);
  assert.equal(await panel.locator('[data-testid=rule-order_id-required]').isChecked(), true);

  // Edit rules in the form: tighten quantity to 1..100, type amount and order_date.
  await panel.locator('[data-testid=rule-quantity-minimum]').fill('1');
  await panel.locator('[data-testid=rule-quantity-minimum]').dispatchEvent('change');
  await panel.locator('[data-testid=rule-quantity-maximum]').fill('100');
  await panel.locator('[data-testid=rule-quantity-maximum]').dispatchEvent('change');
  await panel.locator('[data-testid=rule-amount-type]').selectOption('number');
  await panel.locator('[data-testid=rule-order_date-type]').selectOption('date');
  await panel.locator('[data-testid=cross-check]').fill('order_date >= signup_date');
  await panel.locator('[data-testid=cross-add]').click();
  await panel.locator('[data-testid=cross-list] li').first().waitFor();

  // Suggesting again shows a new suggestion but keeps the edited rules until it is accepted.
  await panel.locator('[data-testid=validate-suggest]').click();
  await panel.locator('[data-testid=validate-dismiss]').waitFor();
  assert.match(await panel.locator('[data-testid=validate-suggestion]').innerText(), /replaces your current rules \(11 field rules\)/);
  assert.equal(await panel.locator('[data-testid=rule-quantity-maximum]').inputValue(), '100');
  await panel.locator('[data-testid=validate-dismiss]').click();
  assert.equal(await panel.locator('[data-testid=validate-suggestion]').count(), 0);
  assert.equal(await panel.locator('[data-testid=rule-quantity-maximum]').inputValue(), '100');
  assert.equal(await panel.locator('[data-testid=cross-list] li').count(), 1);

  // Load the customers file, come back: the rules are still there; add the foreign key.
  await strata.openStep('load');
  await strata.load(fixture('validate', 'customers.csv'));
  await strata.openStep('validate');
  assert.equal(await panel.locator('[data-testid=rule-quantity-maximum]').inputValue(), '100');
  await panel.locator('[data-testid=validate-input]').selectOption('orders');
  await panel.locator('[data-testid=fk-column]').selectOption('customer_id');
  await panel.locator('[data-testid=fk-dataset]').selectOption('customers');
  await panel.locator('[data-testid=fk-add]').click();
  assert.match(await panel.locator('[data-testid=validate-keys]').innerText(), /customer_id → customers\.customer_id/);

  // A statistical rule through the JSON editor.
  await panel.locator('[data-testid=validate-json-details] summary').click();
  const json = JSON.parse(await panel.locator('[data-testid=validate-json]').inputValue());
  assert.equal(json.fields.find((f) => f.name === 'quantity').constraints.maximum, 100);
  json.strata.statistics = [{ metric: 'rowCount', min: 100, description: 'a full day has at least 100 orders' }];
  await panel.locator('[data-testid=validate-json]').fill(JSON.stringify(json, null, 2));
  await panel.locator('[data-testid=validate-json-apply]').click();

  await panel.locator('[data-testid=validate-run]').click();
  await panel.locator('[data-testid=validate-report]').waitFor({ timeout: 120_000 });
  assert.equal(await panel.locator('[data-testid=validate-report]').getAttribute('data-verdict'), 'fail');
  for (const g of ['schema', 'content', 'cross_field', 'cross_dataset', 'statistical']) {
    const failed = Number(await panel.locator(`[data-testid=group-${g}]`).getAttribute('data-failed'));
    assert.ok(failed > 0, `${g} has a failure`);
  }
  const example = (id) => panel.locator(`[data-testid="rule-result-${id}"] .examples`).innerText();
  assert.match(await example('quantity.maximum'), /18: 150/);
  assert.match(await example('quantity.minimum'), /6: 0/);
  assert.match(await example('amount.type'), /11: abc/);
  assert.match(await example('crossField1'), /10: order_date=2021-02-01, signup_date=2021-02-15/);
  const orphans = await panel.locator('[data-testid^="rule-result-foreignKey"] .examples').innerText();
  assert.match(orphans, /9: customer_id=999/);
  assert.match(orphans, /22: customer_id=888/);
  assert.match(await panel.locator('[data-testid=group-statistical]').innerText(), /measured 25/);

  // Valid and quarantined rows download, and add up to the input.
  const summary = await strata.stepSummary(panel);
  assert.equal(summary.rowsIn, 25);
  const valid = await strata.download('[data-testid="download-csv-orders.valid"]');
  const invalid = await strata.download('[data-testid="download-csv-orders.invalid"]');
  assert.equal(valid.name, 'orders.valid.csv');
  const v = rows(valid.bytes);
  const q = rows(invalid.bytes);
  assert.equal(v.length - 1 + q.length - 1, 25);
  assert.equal(v.length - 1, summary.rowsOut);
  assert.ok(q[0].endsWith(',_row,_violations'));
  const orphanRow = q.find((l) => l.startsWith('9,999,'));
  assert.match(orphanRow, /,9,foreignKey:customer_id->customers\.customer_id$/);

  const schemaFile = await strata.download('[data-testid=validate-export-schema]');
  assert.equal(schemaFile.name, 'orders.schema.json');
  const exported = JSON.parse(schemaFile.bytes.toString('utf8'));
  assert.equal(exported.foreignKeys[0].reference.resource, 'customers');
  const report = await strata.download('[data-testid=validate-download-report]');
  const facet = JSON.parse(report.bytes.toString('utf8')).openlineage.dataQualityAssertions;
  assert.ok(facet.assertions.some((a) => a.assertion === 'quantity.maximum' && a.success === false && a.column === 'quantity'));
  strata.assertNoConsoleErrors();
  await context.close();
});
