"""Expected failing rows for tests/data/validate/orders.csv, computed by frictionless-py.

Run from the repository root with frictionless installed (pip install frictionless):
    python tests/oracle/validate/make_expected.py
Writes tests/data/validate/expected_frictionless.json: for each rule (named as Strata names it:
`<field>.<constraint>`, `<field>.type`, `primaryKey`, `foreignKey:<fields>-><resource>.<fields>`)
the 1-based data rows (frictionless rowNumber minus the header row) that break it.
"""
import json
import re
from pathlib import Path

import frictionless
from frictionless import Package

HERE = Path("tests/data/validate")
descriptor = json.loads((HERE / "orders.schema.json").read_text())
descriptor.pop("strata", None)
for f in descriptor["fields"]:
    f.pop("strata", None)

package = Package.from_descriptor(
    {
        "name": "validate-fixture",
        "resources": [
            {"name": "orders", "path": "orders.csv", "schema": descriptor},
            {"name": "customers", "path": "customers.csv"},
        ],
    },
    basepath=str(HERE),
)
report = package.validate(limit_errors=10_000)
fk = descriptor["foreignKeys"][0]
fk_id = "foreignKey:{}->{}.{}".format(fk["fields"], fk["reference"]["resource"], fk["reference"]["fields"])
failing = {}
for task in report.tasks:
    if task.name != "orders":
        continue
    for e in task.errors:
        code = e.type
        if code == "type-error":
            rule = f"{e.field_name}.type"
        elif code == "constraint-error":
            rule = "{}.{}".format(e.field_name, re.search(r'constraint "(\w+)"', e.note).group(1))
        elif code == "unique-error":
            rule = f"{e.field_name}.unique"
        elif code == "primary-key":
            rule = "primaryKey"
        elif code == "foreign-key":
            rule = fk_id
        else:
            raise SystemExit(f"unexpected error kind {code}: {e.message}")
        failing.setdefault(rule, []).append(e.row_number - 1)
out = {
    "tool": f"frictionless {frictionless.__version__}",
    "valid": report.valid,
    "failing_rows": {k: sorted(v) for k, v in sorted(failing.items())},
}
(HERE / "expected_frictionless.json").write_text(json.dumps(out, indent=2) + "\n")
print(json.dumps(out, indent=2))

# A schema written by the frictionless tools themselves (`frictionless describe`), which Strata
# must load and write back unchanged.
described = frictionless.Resource(path="orders.csv", basepath=str(HERE))
described.infer()
(HERE / "described.schema.json").write_text(json.dumps(described.schema.to_descriptor(), indent=2) + "\n")
