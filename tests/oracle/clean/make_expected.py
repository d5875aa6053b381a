"""Expected outputs of scikit-learn's scalers, imputer and one-hot encoder on the committed
fixtures tests/data/clean/{train,test}.csv, fitted on train and applied to both; and edge cases
("fixture": "edge") on tests/data/clean/edge_{train,test}.csv: a constant column (zero scale,
which scikit-learn replaces by 1), SimpleImputer's constant strategy on numbers and text, and
most_frequent on text with a tie (the smallest value wins).

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

edge_train = pd.read_csv("tests/data/clean/edge_train.csv", keep_default_na=False, na_values=[""])
edge_test = pd.read_csv("tests/data/clean/edge_test.csv", keep_default_na=False, na_values=[""])
EDGE_NUM = ["flat", "x"]
EDGE_TEXT = ["color", "size"]


def clean_text(a):
    return [[None if (isinstance(v, float) and math.isnan(v)) else str(v) for v in row] for row in np.asarray(a).tolist()]


for name, make in [
    ("standard", lambda: StandardScaler()),
    ("minmax", lambda: MinMaxScaler()),
    ("robust", lambda: RobustScaler()),
    ("maxabs", lambda: MaxAbsScaler()),
]:
    s = make().fit(edge_train[EDGE_NUM].astype(float))
    cases["edge_" + name] = {"fixture": "edge", "columns": EDGE_NUM,
                             "train": clean(s.transform(edge_train[EDGE_NUM].astype(float))),
                             "test": clean(s.transform(edge_test[EDGE_NUM].astype(float)))}

imp = SimpleImputer(strategy="constant", fill_value=0).fit(edge_train[EDGE_NUM].astype(float))
cases["edge_impute_constant"] = {"fixture": "edge", "columns": EDGE_NUM, "fill_value": "0",
                                 "statistics": [float(x) for x in imp.statistics_],
                                 "train": clean(imp.transform(edge_train[EDGE_NUM].astype(float))),
                                 "test": clean(imp.transform(edge_test[EDGE_NUM].astype(float)))}
for strategy, extra in [("constant", {"fill_value": "missing"}), ("most_frequent", {})]:
    imp = SimpleImputer(strategy=strategy, **extra).fit(edge_train[EDGE_TEXT].astype(object))
    cases["edge_impute_text_" + strategy] = {"fixture": "edge", "columns": EDGE_TEXT, **extra,
                                             "statistics": [str(x) for x in imp.statistics_],
                                             "train": clean_text(imp.transform(edge_train[EDGE_TEXT].astype(object))),
                                             "test": clean_text(imp.transform(edge_test[EDGE_TEXT].astype(object)))}

with open("tests/oracle/clean/expected.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
