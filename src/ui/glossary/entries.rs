//! The glossary's text: plain static data, no dependencies, so that the page stays small and a
//! native test can read this file on its own (`tests/glossary.rs` includes it by path).

/// One glossary entry. `id` is stable: it is the entry's anchor (`glossary-{id}`) and what
/// `<Term id=…>` links to, so renaming one breaks links (the tests catch it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub id: &'static str,
    /// The heading, as a reader would look it up.
    pub term: &'static str,
    pub text: &'static str,
    /// Related entries, by id.
    pub see: &'static [&'static str],
}

/// Entries in groups, in reading order: a group's title and its entries.
pub const GROUPS: &[(&str, &[Entry])] = &[
    (
        "Missing values",
        &[
            Entry {
                id: "mcar",
                term: "MCAR — missing completely at random",
                text: "Whether a value is missing has nothing to do with any data, seen or unseen: a sensor that drops \
                       a reading by pure chance. Dropping or filling such gaps loses rows but does not tilt the results.",
                see: &["mar", "mnar", "imputation"],
            },
            Entry {
                id: "mar",
                term: "MAR — missing at random",
                text: "Whether a value is missing depends on other columns you have, not on the value itself: older \
                       customers skip the email field more often. Filling within groups of those other columns \
                       (or a model of them) can repair the gap; a plain column mean cannot.",
                see: &["mcar", "mnar", "imputation"],
            },
            Entry {
                id: "mnar",
                term: "MNAR — missing not at random",
                text: "Whether a value is missing depends on the value itself: high earners leave income blank. No \
                       filling method recovers what is lost from the data alone; keep a \"was missing\" indicator and \
                       say so in the analysis.",
                see: &["mcar", "mar", "imputation"],
            },
            Entry {
                id: "imputation",
                term: "Imputation",
                text: "Filling a missing value with a stand-in: the column's mean, median or most frequent value, a \
                       constant, or a neighbouring value in ordered data. It keeps rows, but it invents values, \
                       narrows the spread, and must be fitted on the training split only.",
                see: &["mcar", "data-leakage"],
            },
        ],
    ),
    (
        "Finding problems",
        &[
            Entry {
                id: "duplicate",
                term: "Duplicate",
                text: "Two or more rows that describe the same thing: equal in every column, equal on their key \
                       columns, or equal once spelling, case and spacing are ignored. Duplicates inflate counts and can \
                       put one example in both training and test.",
                see: &["primary-key", "data-leakage"],
            },
            Entry {
                id: "outlier",
                term: "Outlier",
                text: "A value far from most of the others. It may be a typo, a unit mix-up, or a real but rare event; \
                       which one is a question for someone who knows the data, not for a formula.",
                see: &["iqr-fences", "z-score", "winsorize"],
            },
            Entry {
                id: "iqr-fences",
                term: "IQR fences (Tukey's fences)",
                text: "The interquartile range (IQR) is Q3 − Q1, the width of the middle half of the values. Values \
                       below Q1 − k·IQR or above Q3 + k·IQR are called outliers; k = 1.5 is usual, 3 marks only \
                       extreme ones. Quartiles barely move when a few values are wild, so the fences hold.",
                see: &["outlier", "z-score"],
            },
            Entry {
                id: "z-score",
                term: "z-score",
                text: "How many standard deviations a value lies from the column's mean: (x − mean) / sd. |z| > 3 is a \
                       common outlier rule, but a few huge values inflate the mean and sd they are measured with.",
                see: &["standardization", "outlier", "iqr-fences"],
            },
            Entry {
                id: "winsorize",
                term: "Winsorize (cap)",
                text: "Replacing values beyond a bound with the bound itself, instead of removing the row: a salary of \
                       10 million becomes the upper fence. Rows are kept; extremes stop dominating means and scales.",
                see: &["outlier", "iqr-fences"],
            },
        ],
    ),
    (
        "Schemas and rules",
        &[
            Entry {
                id: "schema",
                term: "Schema",
                text: "The description of a table's shape: its columns, each with a name and a type, and the rules the \
                       values must follow (required, range, pattern, keys). Code that reads a table relies on it, \
                       whether or not it is written down.",
                see: &["table-schema", "schema-evolution"],
            },
            Entry {
                id: "table-schema",
                term: "Frictionless Table Schema",
                text: "An open JSON format for a schema: fields with types and constraints, a primary key and foreign \
                       keys. Because it is a published standard, a schema written here can be checked by other tools, \
                       and theirs can be imported here.",
                see: &["schema", "primary-key", "foreign-key"],
            },
            Entry {
                id: "primary-key",
                term: "Primary key",
                text: "One or more columns whose values identify each row: never missing and never repeated (an \
                       order_id). Other tables refer to a row through it, and it is how two versions of a table are \
                       matched row by row.",
                see: &["foreign-key", "duplicate", "normal-forms"],
            },
            Entry {
                id: "foreign-key",
                term: "Foreign key",
                text: "Columns whose values must appear as a key in another table: every order's customer_id must be \
                       a known customer. A value with no match is an orphan, usually a sign of a broken join or a \
                       partial export.",
                see: &["primary-key", "normal-forms"],
            },
            Entry {
                id: "cross-field-rule",
                term: "Cross-field rule",
                text: "A rule about two or more columns of the same row: the end date is not before the start date, \
                       or a discount needs a coupon code. Each value can be fine alone while the row as a whole is not.",
                see: &["schema", "quarantine"],
            },
            Entry {
                id: "quarantine",
                term: "Quarantine",
                text: "A separate dataset for the rows that broke a rule, each with its row number and the rules it \
                       broke. Bad rows are neither dropped silently nor let through: they can be inspected, fixed and \
                       downloaded.",
                see: &["schema", "cross-field-rule"],
            },
            Entry {
                id: "normal-forms",
                term: "Normal forms (1NF, 2NF, 3NF)",
                text: "Database-design rules that keep each fact in one place. 1NF: one value per cell, no lists. \
                       2NF: every column depends on the whole key, not part of it. 3NF: columns depend on the key \
                       only, not on other columns (a city's country belongs in a cities table). A flat export breaks \
                       them, which is where repeated and contradictory values come from.",
                see: &["primary-key", "foreign-key", "duplicate"],
            },
        ],
    ),
    (
        "Change between versions",
        &[
            Entry {
                id: "data-drift",
                term: "Data drift",
                text: "The same columns, with values distributed differently than before: new customers are younger, \
                       prices rose, a category appeared. A model trained on the old data silently gets worse on the \
                       new; drift statistics catch it before the scores do.",
                see: &["psi", "ks-test", "schema-evolution"],
            },
            Entry {
                id: "schema-evolution",
                term: "Schema evolution",
                text: "Changes to a table's columns over time: added, removed, renamed or retyped. Adding a column or \
                       widening a type is backward compatible; removing, renaming or narrowing breaks whoever reads \
                       the old columns.",
                see: &["schema", "data-drift", "versioning"],
            },
            Entry {
                id: "psi",
                term: "PSI — population stability index",
                text: "Cuts the reference values into bins and adds up, per bin, (share after − share before) × \
                       ln(share after / share before). Below 0.1 reads as stable, 0.1–0.25 as a shift to watch, above \
                       0.25 as a major shift.",
                see: &["data-drift", "jensen-shannon"],
            },
            Entry {
                id: "ks-test",
                term: "Kolmogorov–Smirnov (KS) test",
                text: "Compares two samples of numbers through their cumulative curves; D is the largest vertical \
                       gap between them, and the p-value says how surprising that gap would be if both came from one \
                       distribution. With many rows even tiny gaps are \"significant\", so look at D too.",
                see: &["data-drift", "wasserstein"],
            },
            Entry {
                id: "wasserstein",
                term: "Wasserstein distance",
                text: "How far, on average, values would have to move to turn one distribution into the other, in the \
                       column's own units (\"earth mover's distance\"). A shift of all prices by 5 gives 5.",
                see: &["ks-test", "data-drift"],
            },
            Entry {
                id: "jensen-shannon",
                term: "Jensen–Shannon distance",
                text: "A symmetric comparison of two sets of shares (bins or categories), based on how much \
                       information tells them apart. With base-2 logarithms it runs from 0 (the same) to 1 (nothing \
                       in common).",
                see: &["psi", "l-infinity"],
            },
            Entry {
                id: "chi-squared",
                term: "χ² (chi-squared) test",
                text: "Asks whether categories have the same shares in two datasets, by comparing the counts seen with \
                       the counts expected if nothing changed. Like every test, it calls small changes significant \
                       when there are many rows.",
                see: &["l-infinity", "data-drift"],
            },
            Entry {
                id: "l-infinity",
                term: "L∞ distance (Chebyshev)",
                text: "The largest change in any single category's share between two datasets: if \"card\" went from \
                       60% to 45% of payments and nothing moved more, L∞ is 0.15. Easy to read and to set a threshold \
                       on.",
                see: &["chi-squared", "jensen-shannon"],
            },
        ],
    ),
    (
        "Sampling",
        &[
            Entry {
                id: "simple-random-sampling",
                term: "Simple random sampling",
                text: "Every row has the same chance of being picked, and every set of rows of that size too. \
                       Differences between the sample and the table are then chance alone and shrink as the sample \
                       grows.",
                see: &["stratified-sampling", "random-seed"],
            },
            Entry {
                id: "stratified-sampling",
                term: "Stratified sampling",
                text: "Splitting rows into groups (strata), such as regions or classes, and sampling at random within \
                       each, so every group is present in the proportions you choose, rare ones included.",
                see: &["simple-random-sampling", "quota-sampling", "class-imbalance"],
            },
            Entry {
                id: "weighted-sampling",
                term: "Weighted sampling",
                text: "Rows are picked with unequal chances set by a weight column: bigger weight, likelier pick. The \
                       sample is deliberately not representative, so estimates from it must use the weights.",
                see: &["importance-sampling", "simple-random-sampling"],
            },
            Entry {
                id: "reservoir-sampling",
                term: "Reservoir sampling",
                text: "Keeps a uniform random sample of fixed size while reading a stream once, without knowing its \
                       length: each new row replaces a kept one with the right probability. It is how a file too big \
                       for memory can still be sampled fairly.",
                see: &["simple-random-sampling"],
            },
            Entry {
                id: "importance-sampling",
                term: "Importance sampling",
                text: "Drawing from a convenient distribution instead of the one you care about, and giving each \
                       drawn row a weight (target probability / drawing probability) that corrects for it. Weighted \
                       averages stay unbiased; unweighted ones do not.",
                see: &["weighted-sampling"],
            },
            Entry {
                id: "systematic-sampling",
                term: "Systematic sampling",
                text: "Every k-th row from a random start. Quick and even, but biased when the file repeats with a \
                       period that lines up with k (every 7th row of daily data is always the same weekday).",
                see: &["simple-random-sampling"],
            },
            Entry {
                id: "quota-sampling",
                term: "Quota sampling",
                text: "A fixed number of rows per group, filled with the first rows met rather than at random. The \
                       groups match by construction, but it is not a probability sample: everything else can be \
                       biased.",
                see: &["stratified-sampling", "selection-bias"],
            },
            Entry {
                id: "selection-bias",
                term: "Selection bias",
                text: "A sample that differs from the whole because of how rows were chosen, not by chance: the first \
                       rows of a file sorted by date, volunteers, hand-picked cases. A larger sample of the same kind \
                       does not fix it.",
                see: &["quota-sampling", "simple-random-sampling"],
            },
            Entry {
                id: "class-imbalance",
                term: "Class imbalance",
                text: "One label value is much rarer than the others (1 fraud per 1,000 payments). A model can score \
                       well by ignoring the rare class. Re-balancing by over- or under-sampling helps training, but \
                       the test set must keep the real balance.",
                see: &["stratified-sampling", "data-leakage"],
            },
            Entry {
                id: "random-seed",
                term: "Random seed",
                text: "The number a random generator starts from. The same seed gives the same \"random\" rows every \
                       time, which is why every sample and split records its seed: the recipe replays exactly.",
                see: &["recipe", "simple-random-sampling"],
            },
        ],
    ),
    (
        "Training data",
        &[
            Entry {
                id: "data-leakage",
                term: "Data leakage",
                text: "Information that would not be available when the model is used, reaching it during training: \
                       a column filled in after the outcome, test rows that shaped a mean used for scaling, the same \
                       customer in train and test. The test score then promises more than the model delivers.",
                see: &["time-based-split", "imputation", "standardization"],
            },
            Entry {
                id: "time-based-split",
                term: "Time-based split",
                text: "Cutting data by time: train on the past, validate and test on what came after, as the model \
                       will be used. A random split of time-ordered data lets the future inform the past.",
                see: &["data-leakage"],
            },
            Entry {
                id: "min-max-scaling",
                term: "Min-max scaling",
                text: "Rescales a column linearly so that its minimum becomes 0 and its maximum 1 (or another range). \
                       The shape stays the same; one extreme value squeezes everything else into a narrow band.",
                see: &["standardization"],
            },
            Entry {
                id: "standardization",
                term: "Standardization (z-score scaling)",
                text: "Rescales a number column to mean 0 and standard deviation 1 by turning each value into its \
                       z-score, with mean and sd from the training split. Not the same as standardizing spellings, \
                       which makes one thing written several ways read the same.",
                see: &["z-score", "min-max-scaling", "data-leakage"],
            },
            Entry {
                id: "one-hot-encoding",
                term: "One-hot encoding",
                text: "Turns a category column into one 0/1 column per category (colour=red → colour_red = 1, the \
                       others 0), so that a model does not read an order into labels. Many categories mean many \
                       columns; rare ones can share an \"other\" column.",
                see: &["standardization"],
            },
        ],
    ),
    (
        "Files, versions and lineage",
        &[
            Entry {
                id: "recipe",
                term: "Recipe",
                text: "The ordered list of steps of a session, each with its parameters, fitted values and seed, but \
                       no data. Run again on the same input, it produces the same outputs.",
                see: &["lineage", "random-seed"],
            },
            Entry {
                id: "lineage",
                term: "Lineage",
                text: "The record of where a dataset came from: which files, which steps with which parameters, in \
                       which order. With it, anyone can check or reproduce an output instead of trusting it.",
                see: &["openlineage", "recipe", "sha-256"],
            },
            Entry {
                id: "openlineage",
                term: "OpenLineage",
                text: "An open standard for lineage as JSON events: a run of a job, with its input and output \
                       datasets and extra facets. Strata writes its lineage in that format, with the recipe inside.",
                see: &["lineage"],
            },
            Entry {
                id: "sha-256",
                term: "SHA-256 content hash",
                text: "A 64-hex-digit fingerprint computed from a file's bytes. Change one byte and the hash changes \
                       completely, so equal hashes mean identical content: it proves that a replay used the same file \
                       and made the same output.",
                see: &["lineage", "versioning"],
            },
            Entry {
                id: "versioning",
                term: "Versioning (semantic versions)",
                text: "Naming each published state of a dataset MAJOR.MINOR.PATCH: MAJOR when columns change (it may \
                       break readers), MINOR when rows are added, PATCH when values are corrected. The number says \
                       what kind of change to expect.",
                see: &["schema-evolution", "sha-256"],
            },
            Entry {
                id: "parquet",
                term: "Parquet",
                text: "A binary, column-major file format: each column stored together, typed and compressed, in row \
                       groups, with a footer holding the schema and per-column statistics. Readers can skip the \
                       columns and row groups they do not need.",
                see: &["row-column-major"],
            },
            Entry {
                id: "row-column-major",
                term: "Row-major vs column-major",
                text: "Two ways to lay a table out in a file or in memory. Row-major (CSV) keeps each row's values \
                       together: good for reading or appending whole records. Column-major (Parquet, Arrow) keeps each \
                       column together: it compresses better and lets a query read only the columns it uses.",
                see: &["parquet"],
            },
        ],
    ),
];

/// Every entry, in reading order.
pub fn all() -> impl Iterator<Item = &'static Entry> {
    GROUPS.iter().flat_map(|(_, entries)| entries.iter())
}

/// The entry with this id.
pub fn entry(id: &str) -> Option<&'static Entry> {
    all().find(|e| e.id == id)
}

/// The DOM id of an entry's element in the glossary.
pub fn anchor(id: &str) -> String {
    format!("glossary-{id}")
}
