//! Compare: drift statistics against scipy (tests/oracle/compare/make_expected.py wrote the
//! expected values in tests/data/compare/stats_expected.json), and the Compare step end to end.

use std::collections::BTreeMap;

use serde_json::Value;
use strata::core::stats::{self, special};

fn expected() -> Value {
    serde_json::from_str(include_str!("data/compare/stats_expected.json")).unwrap()
}

/// The LCG sample generator of make_expected.py, bit for bit.
fn sample(spec: &Value) -> Vec<f64> {
    let mut state = spec["seed"].as_u64().unwrap();
    let n = spec["n"].as_u64().unwrap();
    let kind = spec["kind"].as_str().unwrap();
    let scale = spec["scale"].as_f64().unwrap();
    let shift = spec["shift"].as_f64().unwrap();
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| match kind {
            "uniform" => (next() * scale * 1024.0).floor() / 1024.0 + shift,
            "irwin" => {
                let mut s = 0.0;
                for _ in 0..4 {
                    s += (next() * scale * 1024.0).floor() / 1024.0;
                }
                s + shift
            }
            "int" => (next() * scale).floor() + shift,
            other => panic!("unknown kind {other}"),
        })
        .collect()
}

/// |got − want| ≤ tol·max(1, |want|): absolute near 0, relative for large values.
fn close(got: f64, want: f64, tol: f64) -> bool {
    (got - want).abs() <= tol * want.abs().max(1.0)
}

/// Relative agreement for p-values (they can be tiny), absolute below 1e-300.
fn close_rel(got: f64, want: f64, tol: f64) -> bool {
    (got - want).abs() <= tol * want.abs() || (got - want).abs() < 1e-300
}

#[test]
fn numeric_drift_matches_scipy() {
    let exp = expected();
    for case in exp["numeric"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let a = sample(&case["a"]);
        let b = sample(&case["b"]);
        let ks = stats::ks_2samp(&a, &b);
        let want_d = case["ks_statistic"].as_f64().unwrap();
        let want_p = case["ks_p_value"].as_f64().unwrap();
        assert!(close(ks.statistic, want_d, 1e-12), "{name}: KS D {} vs scipy {want_d}", ks.statistic);
        assert!(close_rel(ks.p_value, want_p, 1e-9), "{name}: KS p {} vs scipy {want_p}", ks.p_value);
        let w = stats::wasserstein(&a, &b);
        let want_w = case["wasserstein"].as_f64().unwrap();
        assert!(close(w, want_w, 1e-10), "{name}: Wasserstein {w} vs scipy {want_w}");
        let psi = stats::psi_numeric(&a, &b, 10);
        let cuts: Vec<f64> = case["psi_cuts"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        // serde_json's default float parsing can be 1 ulp off, so cuts agree to 1e-14.
        assert_eq!(psi.cuts.len(), cuts.len(), "{name}: PSI cuts {:?} vs {cuts:?}", psi.cuts);
        for (got, want) in psi.cuts.iter().zip(&cuts) {
            assert!(close(*got, *want, 1e-14), "{name}: PSI cut {got} vs numpy {want}");
        }
        let e: Vec<u64> = case["psi_expected"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        let act: Vec<u64> = case["psi_actual"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        assert_eq!(psi.expected, e, "{name}: PSI expected counts");
        assert_eq!(psi.actual, act, "{name}: PSI actual counts");
        let want_psi = case["psi"].as_f64().unwrap();
        assert!(close(psi.value, want_psi, 1e-12), "{name}: PSI {} vs {want_psi}", psi.value);
        let ef: Vec<f64> = e.iter().map(|&v| v as f64).collect();
        let af: Vec<f64> = act.iter().map(|&v| v as f64).collect();
        let js = stats::jensen_shannon(&ef, &af);
        let want_js = case["js_bins_base2"].as_f64().unwrap();
        assert!(close(js, want_js, 1e-12), "{name}: JS {js} vs scipy {want_js}");
    }
}

#[test]
fn kolmogorov_distribution_matches_scipy_kstwo() {
    let exp = expected();
    let mut worst: f64 = 0.0;
    for case in exp["kolmogorov"].as_array().unwrap() {
        let n = case["n"].as_u64().unwrap();
        let x = case["x"].as_f64().unwrap();
        let want = case["sf"].as_f64().unwrap();
        let got = special::kolmogorov_sf(n, x);
        let err = (got - want).abs() / want.abs().max(1e-300);
        if want > 1e-290 {
            worst = worst.max(err.min((got - want).abs() / 1e-12));
        }
        assert!(close_rel(got, want, 1e-9) || (got - want).abs() < 1e-15, "kstwo.sf({x}, {n}): {got} vs scipy {want}");
    }
    eprintln!("worst relative error of kstwo.sf: {worst:e}");
}

#[test]
fn smirnov_matches_scipy() {
    let exp = expected();
    for case in exp["smirnov"].as_array().unwrap() {
        let n = case["n"].as_u64().unwrap();
        let x = case["x"].as_f64().unwrap();
        let want = case["sf"].as_f64().unwrap();
        let got = special::smirnov_sf(n, x);
        assert!(close_rel(got, want, 1e-9) || (got - want).abs() < 1e-15, "smirnov({n}, {x}): {got} vs scipy {want}");
    }
}

#[test]
fn chi2_survival_matches_scipy() {
    let exp = expected();
    for case in exp["chi2_sf"].as_array().unwrap() {
        let dof = case["dof"].as_f64().unwrap();
        let x = case["x"].as_f64().unwrap();
        let want = case["sf"].as_f64().unwrap();
        let got = special::chi2_sf(x, dof);
        assert!(
            close_rel(got, want, 1e-10) || (got - want).abs() < 1e-15,
            "chi2.sf({x}, {dof}): {got} vs scipy {want}"
        );
    }
}

fn counts(v: &Value) -> BTreeMap<String, u64> {
    v.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_u64().unwrap())).collect()
}

#[test]
fn categorical_drift_matches_scipy() {
    let exp = expected();
    for case in exp["categorical"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let r = counts(&case["reference"]);
        let c = counts(&case["current"]);
        let chi2 = stats::chi2_contingency(&r, &c);
        assert_eq!(chi2.dof, case["chi2_dof"].as_u64().unwrap(), "{name}: dof");
        let want = case["chi2_statistic"].as_f64().unwrap();
        assert!(close(chi2.statistic, want, 1e-12), "{name}: χ² {} vs scipy {want}", chi2.statistic);
        let want_p = case["chi2_p_value"].as_f64().unwrap();
        assert!(close_rel(chi2.p_value, want_p, 1e-10), "{name}: χ² p {} vs scipy {want_p}", chi2.p_value);
        let l = stats::linf(&r, &c);
        assert!(close(l, case["linf"].as_f64().unwrap(), 1e-15), "{name}: L∞ {l}");
        let psi = stats::psi_categorical(&r, &c);
        assert!(close(psi, case["psi"].as_f64().unwrap(), 1e-12), "{name}: PSI {psi}");
        let keys: Vec<&String> = {
            let mut k: Vec<&String> = r.keys().chain(c.keys()).collect();
            k.sort();
            k.dedup();
            k
        };
        let p: Vec<f64> = keys.iter().map(|k| r.get(*k).copied().unwrap_or(0) as f64).collect();
        let q: Vec<f64> = keys.iter().map(|k| c.get(*k).copied().unwrap_or(0) as f64).collect();
        let js = stats::jensen_shannon(&p, &q);
        assert!(close(js, case["js_base2"].as_f64().unwrap(), 1e-12), "{name}: JS {js}");
    }
}

#[test]
fn jensen_shannon_is_the_base_2_distance() {
    let exp = expected();
    for case in exp["jensenshannon"].as_array().unwrap() {
        let p: Vec<f64> = case["p"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        let q: Vec<f64> = case["q"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        let got = stats::jensen_shannon(&p, &q);
        let want = case["distance_base2"].as_f64().unwrap();
        assert!(close(got, want, 1e-14), "JS({p:?}, {q:?}) = {got}, scipy {want}");
    }
}
