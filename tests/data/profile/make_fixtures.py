#!/usr/bin/env python3
"""Generates the profile test fixtures and their pandas oracle (deterministic: fixed seeds).

    python3 tests/data/profile/make_fixtures.py

Writes, next to this script:

* lesson_patients.csv  a ~600-row teaching table built to trigger every alert kind of
                       src/core/profile/alerts.rs (see the comments in `lesson_patients`);
* stats_small.csv, stats_mixed.csv, stats_tiny.csv  small plain tables for statistics oracles;
* expected_stats.json  per table and column, the statistics pandas computes on the CSV as
                       written (read back with float_precision="round_trip"), plus the Pearson
                       and Spearman matrices of the numeric columns.

Needs numpy and pandas. Text values avoid pandas' and Strata's null tokens (NA, null, -, ...).
"""

import json
import math
import os
import warnings

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]


def iso(day0, offset):
    return (np.datetime64(day0) + np.timedelta64(int(offset), "D")).astype(str)


def lesson_patients():
    rng = np.random.default_rng(20240301)
    n = 595
    patient_id = np.arange(1001, 1001 + n)
    rng.shuffle(patient_id)
    age = rng.integers(18, 91, n)
    # Duplicate ids: two rows reuse the id of another row (the rest of the row differs).
    patient_id[100] = patient_id[10]
    patient_id[400] = patient_id[20]

    visits = rng.integers(1, 11, n)
    fee = np.round(rng.uniform(25, 150, n), 2)
    # Derived: bill = visits x fee (to the cent).
    bill = np.round(visits * fee, 2)

    # MAR: cholesterol is missing far more often for young patients (associated with age).
    cholesterol = np.round(rng.normal(190, 30, n) + (age - 50) * 0.8, 1)
    chol_missing = np.where(age < 35, rng.random(n) < 0.65, rng.random(n) < 0.04)
    cholesterol = np.where(chol_missing, np.nan, cholesterol)

    # MCAR: bmi is missing in about 8% of rows, unrelated to anything.
    bmi = np.round(rng.normal(26.5, 4.0, n), 1)
    bmi = np.where(rng.random(n) < 0.08, np.nan, bmi)

    # Strongly correlated: the same weight in two units.
    weight_kg = np.round(rng.normal(78, 14, n), 1)
    weight_lb = np.round(weight_kg * 2.20462, 1)

    # Outliers: a lab value with a few huge (unit-error) readings.
    lab_value = np.round(rng.lognormal(1.5, 0.3, n), 2)
    for r in (33, 250, 511):
        lab_value[r] = lab_value[r] * 10_000

    # Near-duplicate categories: one city written four ways, among other cities.
    cities = ["Boston", "Chicago", "Seattle", "Denver"]
    nyc = ["New York City", "NYC", "nyc ", "new york city"]
    city = []
    for _ in range(n):
        if rng.random() < 0.4:
            city.append(nyc[rng.choice(4, p=[0.55, 0.25, 0.1, 0.1])])
        else:
            city.append(cities[rng.integers(0, 4)])

    # Functional dependency: ward_code determines ward_name.
    wards = {"W1": "Cardiology", "W2": "Oncology", "W3": "Neurology", "W4": "Orthopedics", "W5": "Pediatrics"}
    ward_code = [f"W{k}" for k in rng.integers(1, 6, n)]
    ward_name = [wards[c] for c in ward_code]

    # Mixed date formats: ISO 2024-03-01 and day-first 01/03/2024 in one column.
    offsets = rng.integers(0, 365, n)
    visit_date = []
    for o in offsets:
        d = iso("2023-01-01", o)
        if rng.random() < 0.6:
            visit_date.append(d)
        else:
            y, m, dd = d.split("-")
            visit_date.append(f"{dd}/{m}/{y}")

    # Numbers as text, with and without thousands separators ("1,234" and "1234").
    charges = rng.integers(20, 900, n) * 10  # round tens: repeats, so not identifier-like
    charges_text = [f"{c:,}" if rng.random() < 0.5 else str(c) for c in charges]

    # Constant and near-constant columns.
    country = ["USA"] * n
    consent = ["yes"] * n
    consent[77] = "no"
    consent[300] = "no"

    # Label and a leaking column: followup_flag is set exactly when the patient was readmitted.
    readmitted = (rng.random(n) < 0.3).astype(int)
    followup_flag = np.where(readmitted == 1, "Y", "N")

    df = pd.DataFrame(
        {
            "patient_id": patient_id,
            "age": age,
            "visits": visits,
            "fee": fee,
            "bill": bill,
            "cholesterol": cholesterol,
            "bmi": bmi,
            "weight_kg": weight_kg,
            "weight_lb": weight_lb,
            "lab_value": lab_value,
            "ward_code": ward_code,
            "ward_name": ward_name,
            "city": city,
            "visit_date": visit_date,
            "charges_text": charges_text,
            "country": country,
            "consent": consent,
            "followup_flag": followup_flag,
            "readmitted": readmitted,
        }
    )
    # Five exact duplicate rows, copies of earlier rows inserted further down.
    dup_sources = [5, 60, 123, 222, 444]
    dup_positions = [150, 260, 380, 500, 590]
    order = list(range(n))
    for src, pos in sorted(zip(dup_sources, dup_positions), key=lambda t: -t[1]):
        order.insert(pos, src)
    return df.iloc[order].reset_index(drop=True)


def stats_small():
    rng = np.random.default_rng(7)
    n = 120
    qty = rng.integers(-5, 20, n).astype(float)
    qty[rng.random(n) < 0.1] = np.nan
    price = np.round(rng.lognormal(3.0, 0.9, n), 2)
    price[[3, 50, 97]] = np.nan
    score = np.round(rng.normal(0, 2.5, n), 3)
    score[[0, 1]] = 0.0
    category = rng.choice(["alpha", "beta", "gamma", "delta"], n)
    category = np.where(rng.random(n) < 0.07, None, category)
    day = [iso("2022-06-15", o) for o in rng.integers(0, 900, n)]
    day = [None if rng.random() < 0.05 else d for d in day]
    return pd.DataFrame(
        {
            "qty": pd.array(qty, dtype="Int64"),
            "price": price,
            "score": score,
            "category": category,
            "day": day,
        }
    )


def stats_mixed():
    rng = np.random.default_rng(11)
    n = 200
    x = rng.normal(50, 10, n)
    y = np.round(0.7 * x + rng.normal(0, 5, n), 2)
    z = np.round(np.exp(rng.normal(0, 1, n)) * 100, 1)
    rating = rng.integers(1, 6, n)  # many ties for Spearman
    delta = rng.integers(-3, 4, n)  # zeros and negatives
    x = np.round(x, 4)
    x[rng.random(n) < 0.05] = np.nan
    z[rng.random(n) < 0.1] = np.nan
    region = rng.choice(["north", "south", "east", "west", "centre"], n, p=[0.4, 0.3, 0.15, 0.1, 0.05])
    return pd.DataFrame({"x": x, "y": y, "z": z, "rating": rating, "delta": delta, "region": region})


def stats_tiny():
    rng = np.random.default_rng(3)
    n = 50
    a = rng.integers(0, 1000, n)
    b = np.round(rng.uniform(-1, 1, n), 6)
    b[[4, 9, 14]] = np.nan
    c = np.round(a * 0.5 + rng.normal(0, 40, n), 3)
    label = rng.choice(["red", "green", "blue"], n)
    return pd.DataFrame({"a": a, "b": b, "c": c, "label": label})


def num(v):
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else v


def oracle(path, date_columns):
    with warnings.catch_warnings():
        # Deprecated in pandas 3, still honoured: correctly rounded parsing, as Strata does.
        warnings.simplefilter("ignore")
        df = pd.read_csv(path, float_precision="round_trip", keep_default_na=False, na_values=[""])
    cols = {}
    numeric = []
    for name in df.columns:
        s = df[name]
        entry = {
            "count": int(s.count()),
            "nulls": int(s.isna().sum()),
            "distinct": int(s.nunique()),
        }
        if name in date_columns:
            d = s.dropna()
            entry["kind"] = "date"
            entry["min"] = str(min(d))
            entry["max"] = str(max(d))
        elif pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            entry["kind"] = "numeric"
            entry["min"] = num(s.min())
            entry["max"] = num(s.max())
            entry["mean"] = num(s.mean())
            entry["std"] = num(s.std(ddof=1))
            entry["skew"] = num(s.skew())
            entry["quantiles"] = [[p, num(s.quantile(p))] for p in QUANTILES]
            entry["zeros"] = int((s == 0).sum())
            entry["negatives"] = int((s < 0).sum())
            if s.count() > 1 and s.std(ddof=1) > 0:
                numeric.append(name)
        else:
            entry["kind"] = "text"
        cols[name] = entry
    sub = df[numeric].astype(float)
    matrix = lambda m: [[num(v) for v in row] for row in m.to_numpy()]
    return {
        "rows": int(len(df)),
        "columns": cols,
        "numeric_columns": numeric,
        "pearson": matrix(sub.corr(method="pearson")),
        "spearman": matrix(sub.corr(method="spearman")),
    }


def main():
    tables = {
        "lesson_patients.csv": (lesson_patients(), []),
        "stats_small.csv": (stats_small(), ["day"]),
        "stats_mixed.csv": (stats_mixed(), []),
        "stats_tiny.csv": (stats_tiny(), []),
    }
    expected = {"generated_by": "tests/data/profile/make_fixtures.py", "pandas": pd.__version__, "tables": {}}
    for name, (df, dates) in tables.items():
        path = os.path.join(HERE, name)
        df.to_csv(path, index=False, lineterminator="\n")
        expected["tables"][name] = oracle(path, dates)
    with open(os.path.join(HERE, "expected_stats.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
