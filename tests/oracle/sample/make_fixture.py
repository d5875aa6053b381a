"""Writes tests/data/sample/customers_ordered.csv: 600 orders sorted by region, so that the first
rows of the file (a convenience sample) are all from one region, with lower amounts and one
segment, while a random or stratified sample matches the table. Deterministic (seeded)."""
import random
from datetime import date, timedelta

rng = random.Random(7)
rows = []
regions = [("north", 40.0, 200), ("south", 90.0, 250), ("west", 140.0, 150)]
order = 0
for region, mean, count in regions:
    for _ in range(count):
        order += 1
        customer = rng.randrange(1, 121)
        amount = round(max(1.0, rng.gauss(mean, 15.0)), 2)
        segment = rng.choice(["retail", "retail", "business"]) if region != "north" else "retail"
        churn = "yes" if rng.random() < (0.05 if region == "north" else 0.15) else "no"
        day = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 366))
        rows.append((order, customer, region, segment, amount, day.isoformat(), churn))

with open("tests/data/sample/customers_ordered.csv", "w") as f:
    f.write("order_id,customer_id,region,segment,amount,order_date,churn\n")
    for r in rows:
        f.write(",".join(str(x) for x in r) + "\n")
