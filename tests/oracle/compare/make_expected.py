"""Expected drift statistics for Strata's Compare (src/core/stats), computed with scipy.

Run from the repository root (outside the repo's build; any venv with numpy + scipy):
    python tests/oracle/compare/make_expected.py
It writes tests/data/compare/stats_expected.json, which tests/compare.rs reads.

Samples are made by a 64-bit LCG that tests/compare.rs reproduces bit for bit: every value is
a dyadic fraction, so both sides compute identical inputs without shipping them.
"""
import json
import math
import os

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance
from scipy.special import smirnov

MASK = (1 << 64) - 1


def lcg(seed):
    state = seed & MASK
    while True:
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        yield (state >> 11) / float(1 << 53)


def sample(spec):
    """kind: uniform (floor(u*scale*1024)/1024 + shift), irwin (sum of 4 such), int (floor(u*scale) + shift)."""
    g = lcg(spec["seed"])
    out = []
    for _ in range(spec["n"]):
        if spec["kind"] == "uniform":
            v = math.floor(next(g) * spec["scale"] * 1024.0) / 1024.0 + spec["shift"]
        elif spec["kind"] == "irwin":
            s = 0.0
            for _ in range(4):
                s += math.floor(next(g) * spec["scale"] * 1024.0) / 1024.0
            v = s + spec["shift"]
        elif spec["kind"] == "int":
            v = math.floor(next(g) * spec["scale"]) + spec["shift"]
        else:
            raise ValueError(spec["kind"])
        out.append(float(v))
    return np.array(out)


def spec(seed, n, kind="irwin", scale=10.0, shift=0.0):
    return {"seed": seed, "n": n, "kind": kind, "scale": scale, "shift": shift}


def psi_numeric(expected, actual, bins, eps=1e-4):
    """Strata's stated binning: cuts = unique i/bins quantiles (numpy linear) of expected,
    bins (-inf, c1], (c1, c2], ..., (ck, inf); empty-bin proportion replaced by eps."""
    qs = np.quantile(expected, np.arange(1, bins) / bins)
    cuts = []
    for c in qs:
        if not cuts or c > cuts[-1]:
            cuts.append(float(c))
    cuts = np.array(cuts)
    e = np.bincount(np.searchsorted(cuts, expected, side="left"), minlength=len(cuts) + 1)
    a = np.bincount(np.searchsorted(cuts, actual, side="left"), minlength=len(cuts) + 1)
    pe = np.where(e == 0, eps, e / e.sum())
    pa = np.where(a == 0, eps, a / a.sum())
    return float(np.sum((pa - pe) * np.log(pa / pe))), cuts.tolist(), e.tolist(), a.tolist()


numeric_cases = [
    ("equal_sizes_exact", spec(1, 50), spec(2, 50, shift=1.5)),
    ("unequal_exact", spec(3, 40), spec(4, 73, shift=0.5)),
    ("medium_exact", spec(5, 3000), spec(6, 4500, shift=0.25)),
    ("ties_exact", spec(7, 500, "int", 10), spec(8, 700, "int", 10, 1)),
    ("same_distribution_exact", spec(9, 2000), spec(10, 2500)),
    ("asymp_same", spec(11, 12000), spec(12, 15000)),
    ("asymp_small_shift", spec(13, 12000), spec(14, 15000, shift=0.3)),
    ("asymp_big_shift", spec(15, 20000), spec(16, 11000, shift=2.0)),
    ("asymp_small_vs_large", spec(17, 100), spec(18, 20000, shift=1.0)),
    ("asymp_small_vs_large_same", spec(19, 120), spec(20, 30000)),
    ("uniform_vs_irwin", spec(21, 800, "uniform", 40.0), spec(22, 900, "irwin", 10.0)),
]

out = {"scipy": scipy.__version__, "numpy": np.__version__, "numeric": [], "kolmogorov": [],
       "smirnov": [], "chi2_sf": [], "categorical": [], "jensenshannon": []}

for name, sa, sb in numeric_cases:
    a, b = sample(sa), sample(sb)
    ks = stats.ks_2samp(a, b)  # method='auto', alternative='two-sided'
    psi, cuts, e, act = psi_numeric(a, b, 10)
    out["numeric"].append({
        "name": name, "a": sa, "b": sb,
        "ks_statistic": float(ks.statistic), "ks_p_value": float(ks.pvalue),
        "wasserstein": float(stats.wasserstein_distance(a, b)),
        "psi": psi, "psi_cuts": cuts, "psi_expected": e, "psi_actual": act,
        "js_bins_base2": float(distance.jensenshannon(e, act, base=2)),
    })

# The Kolmogorov distribution itself, over every region of Simard & L'Ecuyer's algorithm.
for n in [3, 10, 50, 100, 140, 141, 500, 1000, 6667, 50000, 100000, 100001, 500000, 2000000]:
    for x in [0.0005, 0.002, 0.004, 0.01, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6, 0.9]:
        out["kolmogorov"].append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
for n in [2, 5, 20, 100, 1000, 10000, 1000001]:
    for x in [0.01, 0.05, 0.1, 0.3, 0.5, 0.8]:
        out["smirnov"].append({"n": n, "x": x, "sf": float(smirnov(n, x))})
for dof in [1, 2, 3, 5, 10, 30, 100, 1000]:
    for x in [0.01, 0.5, 1.0, 3.84, 10.0, 50.0, 200.0, 1500.0]:
        out["chi2_sf"].append({"dof": dof, "x": x, "sf": float(stats.chi2.sf(x, dof))})

categorical_cases = [
    ("two_categories_yates", {"a": 30, "b": 70}, {"a": 45, "b": 55}),
    ("new_category", {"card": 500, "cash": 300, "transfer": 200}, {"card": 480, "cash": 280, "transfer": 190, "crypto": 50}),
    ("vanished_and_zero", {"x": 10, "y": 0, "z": 5}, {"x": 12, "w": 3}),
    ("many", {f"c{i}": 10 + i * 3 for i in range(25)}, {f"c{i}": 12 + (i * 7) % 40 for i in range(25)}),
    ("large_counts", {"north": 250000, "south": 250000, "east": 300000, "west": 200000},
     {"north": 251000, "south": 249500, "east": 298000, "west": 201500}),
]
for name, a, b in categorical_cases:
    keys = sorted(set(a) | set(b))
    ca = np.array([a.get(k, 0) for k in keys])
    cb = np.array([b.get(k, 0) for k in keys])
    keep = (ca + cb) > 0
    table = np.vstack([ca[keep], cb[keep]])
    chi2, p, dof, _ = stats.chi2_contingency(table)
    pa, pb = ca / ca.sum(), cb / cb.sum()
    pe = np.where(ca == 0, 1e-4, pa)
    pc = np.where(cb == 0, 1e-4, pb)
    out["categorical"].append({
        "name": name, "reference": a, "current": b,
        "chi2_statistic": float(chi2), "chi2_p_value": float(p), "chi2_dof": int(dof),
        "linf": float(np.max(np.abs(pa - pb))),
        "psi": float(np.sum((pc - pe) * np.log(pc / pe))),
        "js_base2": float(distance.jensenshannon(ca, cb, base=2)),
    })

for p, q in [([0.1, 0.4, 0.5], [0.2, 0.2, 0.6]), ([1, 0, 0], [0, 1, 0]), ([3, 5, 7, 9], [9, 7, 5, 3]),
             ([1e-9, 1, 2], [2, 1, 1e-9])]:
    out["jensenshannon"].append({"p": p, "q": q, "distance_base2": float(distance.jensenshannon(p, q, base=2)),
                                 "distance_base_e": float(distance.jensenshannon(p, q))})

here = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(here, "..", "..", "data", "compare", "stats_expected.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")
print("wrote", os.path.normpath(path))
