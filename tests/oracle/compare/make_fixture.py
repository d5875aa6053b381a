"""Makes tests/data/compare/orders_v2.csv, a modified copy of orders.csv (itself
`strata synth --rows 2000 --seed 8`), with one of each change Compare must report:

- customer_id renamed to user_id (same values);
- quantity written as decimals ("2.0"), so its type changes from integer to float;
- every amount multiplied by 1.4 (a shifted distribution);
- a new category "electronics" on every 10th row;
- edited rows: country of rows 5, 6, 7 set to "Portugal";
- rows with order_id 11..20 removed, and 5 new orders 100001..100005 added.

Run from the repository root: python tests/oracle/compare/make_fixture.py (stdlib only).
"""
import csv

src = "tests/data/compare/orders.csv"
dst = "tests/data/compare/orders_v2.csv"
with open(src, newline="") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
col = {name: i for i, name in enumerate(header)}
out_header = ["user_id" if h == "customer_id" else h for h in header]
out = []
for r in body:
    r = list(r)
    oid = int(r[col["order_id"]])
    if 11 <= oid <= 20:
        continue
    r[col["quantity"]] = f"{int(r[col['quantity']])}.0"
    r[col["amount"]] = f"{round(float(r[col['amount']]) * 1.4, 2)}"
    if oid % 10 == 0:
        r[col["category"]] = "electronics"
    if oid in (5, 6, 7):
        r[col["country"]] = "Portugal"
    out.append(r)
for k in range(1, 6):
    r = list(body[k])
    r[col["order_id"]] = str(100000 + k)
    r[col["quantity"]] = f"{int(r[col['quantity']])}.0"
    out.append(r)
with open(dst, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(out_header)
    w.writerows(out)
print("wrote", dst, len(out), "rows")
