#!/usr/bin/env python3
"""Writes the Parquet fixtures with pyarrow (an independent writer), so Strata's reader is tested
on files it did not write itself. Run: python3 tests/data/parquet/make_fixtures.py (pyarrow 22+)."""
import datetime as dt
import decimal
import os

import pyarrow as pa
import pyarrow.parquet as pq

here = os.path.dirname(os.path.abspath(__file__))
n = 60
table = pa.table(
    {
        "order_id": pa.array(range(1, n + 1), pa.int64()),
        "customer": pa.array([["ann", "bob", "chloé", "dan"][i % 4] for i in range(n)]).dictionary_encode(),
        "amount": pa.array([decimal.Decimal(f"{i * 7 % 1000}.{i % 100:02d}") for i in range(n)], pa.decimal128(12, 2)),
        "ordered_at": pa.array(
            [dt.datetime(2024, 1, 1, 9, 30, tzinfo=dt.timezone.utc) + dt.timedelta(hours=7 * i) for i in range(n)],
            pa.timestamp("us", tz="UTC"),
        ),
        "tags": pa.array([["gift"] if i % 3 == 0 else ["bulk", "b2b"] if i % 3 == 1 else [] for i in range(n)], pa.list_(pa.string())),
        "address": pa.array([{"city": ["Lyon", "Oslo", "Porto"][i % 3], "zip": f"{1000 + i}"} for i in range(n)]),
        "flagged": pa.array([None if i % 10 == 0 else i % 7 == 0 for i in range(n)], pa.bool_()),
        "score": pa.array([None if i % 9 == 0 else i / 3 for i in range(n)], pa.float64()),
    }
)
pq.write_table(table, os.path.join(here, "orders_zstd.parquet"), compression="zstd", row_group_size=25)
for codec in ["snappy", "gzip", "lz4", "brotli", "none"]:
    pq.write_table(table, os.path.join(here, f"orders_{codec}.parquet"), compression=codec, row_group_size=40, use_dictionary=codec != "none")
# A truncated copy: the footer is cut off.
data = open(os.path.join(here, "orders_snappy.parquet"), "rb").read()
open(os.path.join(here, "..", "invalid", "truncated.parquet"), "wb").write(data[: len(data) // 2])
