"""Expected outputs of scikit-learn's scalers, imputer and one-hot encoder on the committed
fixtures tests/data/clean/{train,test}.csv, fitted on train and applied to both.

Run from the repository root with a venv holding scikit-learn and pandas:
    python tests/oracle/clean/make_expected.py
Writes tests/oracle/clean/expected.json (NaN written as null).
"""
import json
import math

import numpy as np
import pandas as pd
import sklearn
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, OneHotEncoder, RobustScaler, StandardScaler

train = pd.read_csv("tests/data/clean/train.csv", keep_default_na=False, na_values=[""])
test = pd.read_csv("tests/data/clean/test.csv", keep_default_na=False, na_values=[""])
NUM = ["age", "income", "score"]


def clean(a):
    return [[None if (isinstance(v, float) and math.isnan(v)) else float(v) for v in row] for row in np.asarray(a).tolist()]


cases = {}
for name, make in [
    ("standard", lambda: StandardScaler()),
    ("minmax", lambda: MinMaxScaler()),
    ("minmax_range", lambda: MinMaxScaler(feature_range=(-1, 1))),
    ("robust", lambda: RobustScaler()),
    ("maxabs", lambda: MaxAbsScaler()),
]:
    s = make().fit(train[NUM].astype(float))
    cases[name] = {"columns": NUM, "train": clean(s.transform(train[NUM].astype(float))),
                   "test": clean(s.transform(test[NUM].astype(float)))}

for strategy in ["mean", "median", "most_frequent"]:
    imp = SimpleImputer(strategy=strategy).fit(train[NUM].astype(float))
    cases["impute_" + strategy] = {"columns": NUM, "statistics": [float(x) for x in imp.statistics_],
                                   "train": clean(imp.transform(train[NUM].astype(float))),
                                   "test": clean(imp.transform(test[NUM].astype(float)))}

enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(train[["segment", "city"]])
cases["onehot"] = {
    "columns": ["segment", "city"],
    "categories": [[str(c) for c in cats] for cats in enc.categories_],
    "feature_names": [str(n) for n in enc.get_feature_names_out()],
    "train": clean(enc.transform(train[["segment", "city"]])),
    "test": clean(enc.transform(test[["segment", "city"]])),
}

with open("tests/oracle/clean/expected.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
