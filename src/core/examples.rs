//! Built-in example datasets, generated on the spot (no download) from a fixed seed, each with a
//! guided tour: the panels to open, what to do there and what to notice.
//!
//! Every example reproduces one classic lesson (imbalanced fraud, the three kinds of missing
//! values, cross-field and cross-dataset checks, leakage through a random split, normal forms).
//! The bytes are the same on every platform: only `+ - * /` and `sqrt` touch floating point
//! (no `exp`, `ln` or `cos` from a platform math library), so the browser and `strata example`
//! write identical files and a lineage made from an example replays natively.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::synth::{civil_from_days, SplitMix64};

/// One built-in example. The serialized ids are stable: lineage and links may name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Example {
    Transactions,
    Patients,
    Employees,
    CustomersOrders,
    Trips,
    SalesOrders,
}

/// What the Load panel shows of an example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExampleInfo {
    pub title: &'static str,
    /// The lesson in one line.
    pub lesson: &'static str,
    /// The files it generates, in load order.
    pub files: &'static [&'static str],
    /// Rows of each file, in the same order.
    pub rows: &'static [u64],
}

/// One step of a guided tour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TourStep {
    /// The rail step to open: load, profile, validate, clean, sample, compare or export.
    pub panel: &'static str,
    /// What to do there.
    pub action: &'static str,
    /// What to look for once it is done.
    pub notice: &'static str,
}

/// The seed of every example: fixed, so the bytes (and their SHA-256) never change.
pub const SEED: u64 = 0x5EED_DA7A;

impl Example {
    pub const ALL: [Example; 6] = [
        Example::Transactions,
        Example::Patients,
        Example::Employees,
        Example::CustomersOrders,
        Example::Trips,
        Example::SalesOrders,
    ];

    /// The stable id (as serialized, and as `strata example <id>` takes it).
    pub fn id(self) -> &'static str {
        match self {
            Example::Transactions => "transactions",
            Example::Patients => "patients",
            Example::Employees => "employees",
            Example::CustomersOrders => "customers_orders",
            Example::Trips => "trips",
            Example::SalesOrders => "sales_orders",
        }
    }

    pub fn from_id(id: &str) -> Option<Example> {
        Example::ALL.into_iter().find(|e| e.id() == id)
    }

    pub fn info(self) -> ExampleInfo {
        match self {
            Example::Transactions => ExampleInfo {
                title: "Card transactions",
                lesson: "2% fraud, huge outliers, one country spelled five ways, broken emails, orders before signup.",
                files: &["transactions.csv"],
                rows: &[TRANSACTIONS],
            },
            Example::Patients => ExampleInfo {
                title: "Patients' blood pressure",
                lesson:
                    "The same readings missing three ways: completely at random, at random (by age), not at random.",
                files: &["patients.csv"],
                rows: &[PATIENTS],
            },
            Example::Employees => ExampleInfo {
                title: "Employees",
                lesson: "A cross-field rule: some people leave before they were hired.",
                files: &["employees.csv"],
                rows: &[EMPLOYEES],
            },
            Example::CustomersOrders => ExampleInfo {
                title: "Customers and orders",
                lesson: "Two tables and a foreign key: some orders name customers that do not exist.",
                files: &["customers.csv", "orders.csv"],
                rows: &[CUSTOMERS, ORDERS],
            },
            Example::Trips => ExampleInfo {
                title: "Ride-share trips, one year",
                lesson: "Fares rise mid-year: a random split lets the future leak into training; split by time.",
                files: &["trips.csv"],
                rows: &[TRIPS],
            },
            Example::SalesOrders => ExampleInfo {
                title: "Denormalized sales orders",
                lesson: "Orders, products and customers repeated on every line: a table to normalize.",
                files: &["sales_orders.csv"],
                rows: &[SALES_LINES],
            },
        }
    }

    /// The guided tour. Every tour ends in the Export panel with the bundle.
    pub fn tour(self) -> &'static [TourStep] {
        match self {
            Example::Transactions => TRANSACTIONS_TOUR,
            Example::Patients => PATIENTS_TOUR,
            Example::Employees => EMPLOYEES_TOUR,
            Example::CustomersOrders => CUSTOMERS_ORDERS_TOUR,
            Example::Trips => TRIPS_TOUR,
            Example::SalesOrders => SALES_ORDERS_TOUR,
        }
    }
}

const BUNDLE_STEP: TourStep = TourStep {
    panel: "export",
    action: "Press \"Download bundle (zip)\".",
    notice: "The zip holds the data, the step reports and lineage.json: the recipe with the SHA-256 of the example \
             file. `strata example` writes the same bytes, so `strata replay` reproduces this session on your machine.",
};

const TRANSACTIONS_TOUR: &[TourStep] = &[
    TourStep {
        panel: "load",
        action: "Look at the summary under the examples: 5,000 transactions, one row each.",
        notice: "amount, country and email were read as they are; nothing was fixed on the way in.",
    },
    TourStep {
        panel: "profile",
        action: "Read the quality alerts at the top of the report.",
        notice: "amount has outliers far beyond the IQR fences (a few orders above $20,000), and country has \
                 near-duplicate categories: USA, U.S., United States, US and usa are one country.",
    },
    TourStep {
        panel: "validate",
        action: "Press \"Suggest rules from the profile\", then \"Use these rules\"; type the cross-field check \
                 order_date >= signup_date, press \"Add check\", then \"Run validation\".",
        notice: "The cross-field check fails for the orders placed before the customer signed up; failing rows go \
                 to a quarantine output while the valid rows keep flowing.",
    },
    TourStep {
        panel: "sample",
        action: "Under \"Split into train / validation / test\", choose the method \"stratified by label\" and \
                 the column is_fraud, then press \"Split\".",
        notice:
            "is_fraud is 1 in exactly 2% of rows. A model that always says \"not fraud\" is 98% accurate, which is \
                 why accuracy misleads here; the stratified split keeps 2% fraud in every part.",
    },
    BUNDLE_STEP,
];

const PATIENTS_TOUR: &[TourStep] = &[
    TourStep {
        panel: "load",
        action: "Look at the columns: bp_mcar, bp_mar and bp_mnar hold the same true blood pressure readings.",
        notice: "Only the way values went missing differs between the three columns.",
    },
    TourStep {
        panel: "profile",
        action: "Read the missing-value alert of each bp column.",
        notice: "bp_mcar: no association with any column, as MCAR predicts. bp_mar: age is higher where it is \
                 missing (about 69 vs 50): patients over 60 skipped the reading (MAR). bp_mnar: bp_mar and bp_mcar \
                 are higher where it is missing: high readings went unrecorded (MNAR). Only the other copies of the \
                 same readings reveal it; real data has no such copy, so MNAR cannot be shown from the data alone.",
    },
    TourStep {
        panel: "clean",
        action: "Under \"Missing values\", impute bp_mnar with the median and press \"Impute\".",
        notice: "The median of bp_mnar is lower than that of bp_mcar: imputing MNAR values from what was observed \
                 keeps the bias. Deletion or mean imputation is only safe under MCAR.",
    },
    BUNDLE_STEP,
];

const EMPLOYEES_TOUR: &[TourStep] = &[
    TourStep {
        panel: "load",
        action: "Look at hire_date and termination_date: both were read as dates; termination_date is empty for \
                 people still employed.",
        notice: "Each value is a valid date on its own, so type checks cannot catch the problem.",
    },
    TourStep {
        panel: "validate",
        action: "Press \"Suggest rules from the profile\", then \"Use these rules\"; type the cross-field check \
                 termination_date >= hire_date, press \"Add check\", then \"Run validation\".",
        notice: "About 3% of the rows fail: they leave before they were hired. Only a rule across two fields sees it.",
    },
    BUNDLE_STEP,
];

const CUSTOMERS_ORDERS_TOUR: &[TourStep] = &[
    TourStep {
        panel: "load",
        action: "Two files were loaded: customers (800 rows) and orders (4,000 rows).",
        notice: "orders.customer_id should always name a row of customers.",
    },
    TourStep {
        panel: "validate",
        action: "With orders as input, choose customer_id and the dataset customers, press \"Add foreign key\", \
                 then \"Run validation\".",
        notice: "About 2% of the orders name a customer id that is not in customers (orphans): joins would drop them \
                 silently. The failing orders go to the quarantine output.",
    },
    BUNDLE_STEP,
];

const TRIPS_TOUR: &[TourStep] = &[
    TourStep {
        panel: "profile",
        action: "Look at the cards of pickup_at and fare.",
        notice: "The trips cover all of 2024; July brought a price rise, so fares of the second half are about a \
                 third higher.",
    },
    TourStep {
        panel: "sample",
        action: "Under \"Split into train / validation / test\", press \"Split\" with the method \"random\"; then \
                 again with \"by time\" and the column pickup_at.",
        notice: "The random split puts December trips in training and January trips in test: the model learns \
                 prices it could not know yet. The time split trains on the past only, and its report shows the fare \
                 drift the model will meet.",
    },
    TourStep {
        panel: "compare",
        action: "Choose the time split's train set on the left and its test set on the right, and compare.",
        notice: "fare drifts between the two: what a model deployed in the autumn would see.",
    },
    BUNDLE_STEP,
];

const SALES_ORDERS_TOUR: &[TourStep] = &[
    TourStep {
        panel: "profile",
        action: "Read the alerts that say one column determines another.",
        notice: "customer_id decides customer_name, customer_email and customer_city, and product_id decides \
                 product_name and unit_price: the same facts are written on every line (not 3NF). line_total is \
                 unit_price × quantity, a derived column.",
    },
    TourStep {
        panel: "clean",
        action: "Under \"Choose, order and rename columns\", keep only customer_id, customer_name, customer_email \
                 and customer_city; then under \"Duplicates\" press \"Remove duplicates\".",
        notice: "The 2,928 lines shrink to 291 customers: one row per customer is the customers table of a \
                 normalized model; orders would keep only customer_id.",
    },
    BUNDLE_STEP,
];

// Sizes: a few thousand rows each, so generating and loading is instant.
const TRANSACTIONS: u64 = 5_000;
const PATIENTS: u64 = 3_000;
const EMPLOYEES: u64 = 2_000;
const CUSTOMERS: u64 = 800;
const ORDERS: u64 = 4_000;
const TRIPS: u64 = 6_000;
const SALES_ORDERS: u64 = 1_000;
/// Lines of the sales-orders table (each order has one to five lines); checked by a test.
const SALES_LINES: u64 = 2_928;

/// Generates an example's files: (file name, CSV bytes), in load order. Deterministic.
pub fn generate(example: Example) -> Vec<(String, Vec<u8>)> {
    let mut rng = SplitMix64::new(SEED ^ example as u64);
    let texts = match example {
        Example::Transactions => vec![transactions(&mut rng)],
        Example::Patients => vec![patients(&mut rng).0],
        Example::Employees => vec![employees(&mut rng)],
        Example::CustomersOrders => {
            let (c, o) = customers_orders(&mut rng);
            vec![c, o]
        }
        Example::Trips => vec![trips(&mut rng)],
        Example::SalesOrders => vec![sales_orders(&mut rng)],
    };
    example.info().files.iter().zip(texts).map(|(n, t)| (n.to_string(), t.into_bytes())).collect()
}

/// The true blood pressure of every patient (the values the three bp columns hide in part), for
/// tests of the missingness mechanisms.
pub fn patients_true_bp() -> Vec<f64> {
    let mut rng = SplitMix64::new(SEED ^ Example::Patients as u64);
    patients(&mut rng).1
}

// --- Deterministic arithmetic -------------------------------------------------------------

/// A standard normal by the sum of twelve uniforms (Irwin–Hall): additions only, so the same
/// on every platform; tails stop at ±6, which suits generated data.
fn gauss(rng: &mut SplitMix64) -> f64 {
    (0..12).map(|_| rng.next_f64()).sum::<f64>() - 6.0
}

/// e^x from basic operations only (no platform libm): range reduction by ln 2 and a Taylor
/// series, exact to a few ulps, identical everywhere.
fn exp(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    let k = (x / LN2).round();
    let r = x - k * LN2;
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..20 {
        term = term * r / n as f64;
        sum += term;
    }
    sum * f64::from_bits(((1023 + k as i64) as u64) << 52)
}

fn pick<'a>(rng: &mut SplitMix64, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len() as u64) as usize]
}

fn chance(rng: &mut SplitMix64, p: f64) -> bool {
    rng.next_f64() < p
}

/// YYYY-MM-DD of a day counted from 2020-01-01.
fn day(d: i64) -> String {
    let (y, m, dd) = civil_from_days(18_262 + d);
    format!("{y:04}-{m:02}-{dd:02}")
}

/// Days from 2020-01-01 to the first of January of `year` (2020..).
fn year_start(year: i64) -> i64 {
    (2020..year).map(|y| if y % 4 == 0 { 366 } else { 365 }).sum()
}

/// `k` distinct indices below `n`, by a partial Fisher–Yates shuffle.
fn distinct(rng: &mut SplitMix64, n: u64, k: usize) -> Vec<bool> {
    let mut idx: Vec<u64> = (0..n).collect();
    let mut chosen = vec![false; n as usize];
    for i in 0..k {
        let j = i + rng.below(n - i as u64) as usize;
        idx.swap(i, j);
        chosen[idx[i] as usize] = true;
    }
    chosen
}

const FIRST: &[&str] = &[
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Edsger",
    "Barbara",
    "Donald",
    "Frances",
    "Ken",
    "Radia",
    "Tim",
    "Hedy",
    "John",
    "Katherine",
    "Dennis",
    "Sophie",
    "Niklaus",
    "Shafi",
    "Leslie",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Allen",
    "Thompson",
    "Perlman",
    "Berners-Lee",
    "Lamarr",
    "Backus",
    "Johnson",
    "Ritchie",
    "Wilson",
    "Wirth",
    "Goldwasser",
    "Lamport",
];

// --- The generators -----------------------------------------------------------------------

fn transactions(rng: &mut SplitMix64) -> String {
    const US: &[&str] = &["USA", "U.S.", "United States", "US", "usa"];
    const OTHER: &[&str] = &["France", "Germany", "United Kingdom", "Spain", "Canada"];
    const PAY: &[&str] = &["card", "card", "card", "paypal", "bank_transfer"];
    let fraud = distinct(rng, TRANSACTIONS, (TRANSACTIONS / 50) as usize);
    let huge = distinct(rng, TRANSACTIONS, 6);
    let customers = 1_200;
    let mut out =
        String::from("txn_id,customer_id,signup_date,order_date,amount,country,email,payment_method,is_fraud\n");
    for i in 0..TRANSACTIONS as usize {
        let customer = 1 + rng.below(customers);
        let signup = year_start(2022) + rng.below(730) as i64;
        // A few orders dated before the customer's signup (a clock or migration error).
        let order = if chance(rng, 0.015) { signup - 1 - rng.below(60) as i64 } else { signup + rng.below(365) as i64 };
        let mut amount = exp(3.8 + 0.9 * gauss(rng));
        if fraud[i] {
            amount *= 3.0;
        }
        if huge[i] {
            amount = 20_000.0 + rng.below(70_000) as f64;
        }
        let country = if chance(rng, 0.45) { pick(rng, US) } else { pick(rng, OTHER) };
        let user = format!("{}.{}{}", pick(rng, FIRST), pick(rng, LAST), customer).to_ascii_lowercase();
        let email = match rng.below(40) {
            0 => format!("{user}example.com"),
            1 => format!("{user}@@example.com"),
            2 => format!("{user}@example"),
            _ => format!("{user}@example.com"),
        };
        let _ = writeln!(
            out,
            "T{:05},{customer},{},{},{amount:.2},{country},{email},{},{}",
            i + 1,
            day(signup),
            day(order),
            pick(rng, PAY),
            u8::from(fraud[i])
        );
    }
    out
}

/// The CSV and the true readings behind the three bp columns.
fn patients(rng: &mut SplitMix64) -> (String, Vec<f64>) {
    let mut out = String::from("patient_id,age,sex,smoker,bp_mcar,bp_mar,bp_mnar\n");
    let mut truth = Vec::with_capacity(PATIENTS as usize);
    for i in 0..PATIENTS {
        let age = 18 + rng.below(73);
        let smoker = chance(rng, 0.22);
        let bp = (100.0 + 0.5 * age as f64 + if smoker { 8.0 } else { 0.0 } + 11.0 * gauss(rng)).round();
        truth.push(bp);
        let shown = |missing: bool| if missing { String::new() } else { format!("{bp}") };
        // MCAR: a coin flip; MAR: older patients skip the reading; MNAR: high readings go unrecorded.
        let mcar = chance(rng, 0.15);
        let mar = chance(rng, if age >= 60 { 0.40 } else { 0.05 });
        let mnar = chance(rng, if bp >= 140.0 { 0.60 } else { 0.04 });
        let _ = writeln!(
            out,
            "P{:05},{age},{},{},{},{},{}",
            i + 1,
            pick(rng, &["F", "M"]),
            if smoker { "yes" } else { "no" },
            shown(mcar),
            shown(mar),
            shown(mnar)
        );
    }
    (out, truth)
}

fn employees(rng: &mut SplitMix64) -> String {
    const DEPT: &[&str] = &["engineering", "sales", "support", "finance", "marketing", "operations"];
    let mut out = String::from("employee_id,name,department,hire_date,termination_date,salary\n");
    for i in 0..EMPLOYEES {
        let hire = rng.below(year_start(2025) as u64) as i64;
        let left = chance(rng, 0.4);
        let termination = if !left {
            String::new()
        } else if chance(rng, 0.075) {
            // Swapped at entry: the termination precedes the hire.
            day(hire - 1 - rng.below(400) as i64)
        } else {
            day(hire + 30 + rng.below(900) as i64)
        };
        let salary = (42_000.0 + 9_000.0 * gauss(rng) + rng.below(30) as f64 * 1_000.0).round();
        let _ = writeln!(
            out,
            "E{:04},{} {},{},{},{termination},{salary}",
            i + 1,
            pick(rng, FIRST),
            pick(rng, LAST),
            pick(rng, DEPT),
            day(hire),
        );
    }
    out
}

fn customers_orders(rng: &mut SplitMix64) -> (String, String) {
    const COUNTRY: &[&str] = &["France", "Germany", "Italy", "Spain", "Portugal", "Belgium"];
    let mut customers = String::from("customer_id,name,email,country,signup_date\n");
    for id in 1..=CUSTOMERS {
        let (f, l) = (pick(rng, FIRST), pick(rng, LAST));
        let _ = writeln!(
            customers,
            "{id},{f} {l},{}.{}{id}@example.com,{},{}",
            f.to_ascii_lowercase(),
            l.to_ascii_lowercase(),
            pick(rng, COUNTRY),
            day(year_start(2021) + rng.below(1_000) as i64)
        );
    }
    let mut orders = String::from("order_id,customer_id,order_date,amount,status\n");
    for i in 0..ORDERS {
        // Orphans: ids of customers deleted upstream, or never loaded.
        let customer = if chance(rng, 0.02) { CUSTOMERS + 1 + rng.below(200) } else { 1 + rng.below(CUSTOMERS) };
        let amount = exp(3.5 + 0.7 * gauss(rng));
        let _ = writeln!(
            orders,
            "{},{customer},{},{amount:.2},{}",
            100_001 + i,
            day(year_start(2023) + rng.below(700) as i64),
            pick(rng, &["paid", "paid", "paid", "shipped", "refunded"])
        );
    }
    (customers, orders)
}

fn trips(rng: &mut SplitMix64) -> String {
    const ZONES: &[&str] = &["Downtown", "Airport", "University", "Harbor", "Old Town", "Stadium", "Suburbs"];
    let start = year_start(2024);
    // Demand by day of year: busier in summer and in December (rejection sampling, no sin()).
    let weight = |d: i64| {
        let x = (d as f64 - 196.0) / 183.0; // -1 in January .. +1 at the end of December
        1.0 + 0.5 * (1.0 - x * x) + if d >= 334 { 0.4 } else { 0.0 }
    };
    let mut seconds: Vec<i64> = (0..TRIPS)
        .map(|_| loop {
            let d = rng.below(366) as i64;
            if rng.next_f64() * 1.9 < weight(d) {
                break d * 86_400 + rng.below(86_400) as i64;
            }
        })
        .collect();
    seconds.sort_unstable();
    let mut out = String::from("trip_id,pickup_at,pickup_zone,distance_km,duration_min,fare,tip,payment\n");
    for (i, s) in seconds.iter().enumerate() {
        let d = s / 86_400;
        let (h, m, sec) = (s % 86_400 / 3_600, s % 3_600 / 60, s % 60);
        let distance = (0.8 + exp(1.2 + 0.6 * gauss(rng))).min(60.0);
        let duration = (distance * 2.4 + 4.0 + 3.0 * gauss(rng).abs()).round();
        // A price rise on 1 July (day 182 of 2024), and a slow upward trend all year.
        let (base, per_km) = if d >= 182 { (3.5, 1.95) } else { (2.5, 1.45) };
        let fare = (base + per_km * distance) * (1.0 + 0.10 * d as f64 / 366.0) * (1.0 + 0.05 * gauss(rng));
        let tip = if chance(rng, 0.6) { fare * (0.05 + 0.1 * rng.next_f64()) } else { 0.0 };
        let _ = writeln!(
            out,
            "R{:05},{} {h:02}:{m:02}:{sec:02},{},{distance:.1},{duration},{fare:.2},{tip:.2},{}",
            i + 1,
            day(start + d),
            pick(rng, ZONES),
            pick(rng, &["card", "card", "wallet", "cash"])
        );
    }
    out
}

fn sales_orders(rng: &mut SplitMix64) -> String {
    const CITY: &[(&str, &str)] = &[
        ("Lyon", "France"),
        ("Porto", "Portugal"),
        ("Leeds", "United Kingdom"),
        ("Graz", "Austria"),
        ("Turin", "Italy"),
    ];
    const PRODUCTS: &[(&str, &str, f64)] = &[
        ("Notebook A5", "stationery", 4.5),
        ("Fountain pen", "stationery", 24.0),
        ("Desk lamp", "home", 39.9),
        ("Mug", "home", 8.0),
        ("USB-C cable", "electronics", 12.5),
        ("Headphones", "electronics", 79.0),
        ("Backpack", "travel", 55.0),
        ("Water bottle", "travel", 15.0),
    ];
    let customers: Vec<(String, String, usize)> = (1..=300)
        .map(|id| {
            let (f, l) = (pick(rng, FIRST), pick(rng, LAST));
            let email = format!("{}.{}{id}@example.com", f.to_ascii_lowercase(), l.to_ascii_lowercase());
            (format!("{f} {l}"), email, rng.below(CITY.len() as u64) as usize)
        })
        .collect();
    let mut out = String::from(
        "order_id,order_date,customer_id,customer_name,customer_email,customer_city,customer_country,\
         line_no,product_id,product_name,category,unit_price,quantity,line_total\n",
    );
    for o in 0..SALES_ORDERS {
        let c = rng.below(customers.len() as u64) as usize;
        let (name, email, city) = &customers[c];
        let (city, country) = CITY[*city];
        let date = day(year_start(2024) + rng.below(366) as i64);
        for line in 1..=1 + rng.below(5) {
            let p = rng.below(PRODUCTS.len() as u64) as usize;
            let (product, category, price) = PRODUCTS[p];
            let quantity = 1 + rng.below(4);
            let _ = writeln!(
                out,
                "SO{:04},{date},C{:03},{name},{email},{city},{country},{line},P{:02},{product},{category},{price:.2},{quantity},{:.2}",
                o + 1,
                c + 1,
                p + 1,
                price * quantity as f64
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_the_platform_closely() {
        for x in [-5.0, -1.0, 0.0, 0.5, 1.0, 3.8, 7.5] {
            let (a, b): (f64, f64) = (exp(x), x.exp());
            assert!((a - b).abs() <= b * 1e-14, "{x}: {a} vs {b}");
        }
    }

    #[test]
    fn ids_round_trip() {
        for e in Example::ALL {
            assert_eq!(Example::from_id(e.id()), Some(e));
            assert_eq!(serde_json::to_string(&e).unwrap(), format!("\"{}\"", e.id()));
            assert_eq!(e.tour().last().unwrap().panel, "export");
        }
    }
}
