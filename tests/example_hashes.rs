//! Shared by tests/examples.rs and tests/cli.rs.

/// The SHA-256 of every example file. A change here changes every lineage made from an
/// example: only update it on purpose.
pub const PINNED: &[(&str, &str)] = &[
    ("transactions.csv", "fc2f1d7b1cebc8fdaccc8fe9db0e94a705f4d1c239fbecec1bfac601b776a8c0"),
    ("patients.csv", "abdb91d77c58b6743c7183a59ae175c6fdf8755874744e082d044dd35a876544"),
    ("employees.csv", "88bc4d5b8c829cb77c07e85f7f1956f6dcd7032eee7a8d238563b55333634bba"),
    ("customers.csv", "f555d668887ced0ca8db43045232b946fdcd5686193db39d49a4c2c239aa5d38"),
    ("orders.csv", "0fbceecf69931a058f8dd5c3c3083594472531a716102b3305189baeefc33799"),
    ("trips.csv", "49c81b7d2ae527f1488fd756f9f086dd83d56c4ef1f60560abbfc93d4481adcc"),
    ("sales_orders.csv", "f339c49e497b7b0ff057f036c4fd5f0bfb611538232c1fb16d29375b7b7d3ac0"),
];
