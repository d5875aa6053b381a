//! Shareable recipes: a link whose URL fragment carries a recipe's steps — never data, and the
//! fragment is never sent to a server — and the rebinding of those steps to the datasets the person
//! who opens the link has loaded.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::core::error::{CoreError, Result};
use crate::core::recipe::{Recipe, RecipeStep, Step};

/// What the fragment starts with: `#recipe=<base64url of the recipe JSON>`.
pub const FRAGMENT_KEY: &str = "recipe=";

/// The URL fragment (without `#`) for a recipe: its steps with every parameter and seed, without
/// the recorded outcomes and exports (they describe one run, not the recipe).
pub fn to_fragment(recipe: &Recipe) -> String {
    let steps = recipe.steps.iter().map(|s| RecipeStep { step: s.step.clone(), outcome: None }).collect();
    let bare = Recipe { steps, exports: Vec::new(), ..recipe.clone() };
    format!("{FRAGMENT_KEY}{}", base64url_encode(bare.to_json().as_bytes()))
}

/// The recipe of a fragment made by [`to_fragment`] (a leading `#` is allowed).
pub fn from_fragment(fragment: &str) -> Result<Recipe> {
    let f = fragment.trim_start_matches('#');
    let Some(encoded) = f.strip_prefix(FRAGMENT_KEY) else {
        return Err(CoreError::step("the link holds no recipe (its address has no #recipe= part)"));
    };
    let bytes = base64url_decode(encoded).ok_or_else(|| {
        CoreError::step("the recipe in the link is damaged (it is not base64url); copy the whole link")
    })?;
    let text = String::from_utf8(bytes).map_err(|_| CoreError::step("the recipe in the link is not UTF-8 text"))?;
    Recipe::from_json(&text)
}

/// The dataset each load step of the recipe made, in order: what the person must supply.
pub fn sources(recipe: &Recipe) -> Vec<String> {
    recipe
        .steps
        .iter()
        .filter_map(|s| match &s.step {
            Step::Load(l) => Some(l.output.clone()),
            _ => None,
        })
        .collect()
}

/// The recipe's steps after its loads, rebound to other datasets: every dataset name the steps
/// use that is a source of the recipe (`orders`) or derived from one (`orders.valid.train`) is
/// renamed by `mapping` (source → the dataset to use instead). With `refit`, fitted values
/// (imputation values, scaling parameters, categories) are dropped, so each transform fits
/// again on the new data — the recipe is then a template; without it, the teacher's fitted values
/// are applied as they are. A text value that is not a dataset name but happens to equal a
/// source's name would be renamed too; sources are named after files, so this is rare.
pub fn rebind(recipe: &Recipe, mapping: &BTreeMap<String, String>, refit: bool) -> Result<Vec<Step>> {
    let mut out = Vec::new();
    for s in &recipe.steps {
        if matches!(s.step, Step::Load(_)) {
            continue;
        }
        let mut v = serde_json::to_value(&s.step).map_err(|e| CoreError::step(e.to_string()))?;
        if refit {
            if let Value::Object(m) = &mut v {
                m.remove("fitted");
            }
        }
        rename(&mut v, mapping);
        out.push(serde_json::from_value(v).map_err(|e| CoreError::step(format!("a step of the recipe: {e}")))?);
    }
    Ok(out)
}

fn rename(v: &mut Value, mapping: &BTreeMap<String, String>) {
    match v {
        Value::String(s) => {
            for (from, to) in mapping {
                if s == from {
                    *s = to.clone();
                    return;
                }
                if let Some(rest) = s.strip_prefix(from.as_str()).filter(|r| r.starts_with('.')) {
                    *s = format!("{to}{rest}");
                    return;
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rename(x, mapping)),
        Value::Object(m) => m.values_mut().for_each(|x| rename(x, mapping)),
        _ => {}
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5): safe in a URL fragment as it is.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// The bytes of a base64url text (padding and whitespace tolerated); None when it is not one.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        } as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(200)).collect();
            let text = base64url_encode(&bytes);
            assert!(text.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'), "{text}");
            assert_eq!(base64url_decode(&text).unwrap(), bytes);
        }
        // Known vectors (RFC 4648 §10, unpadded).
        assert_eq!(base64url_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url_encode(b"fo"), "Zm8");
        assert_eq!(base64url_decode("Zm9vYg").unwrap(), b"foob");
        assert!(base64url_decode("not base64!").is_none());
    }

    #[test]
    fn names_of_sources_and_their_derived_datasets_are_renamed() {
        let mapping = BTreeMap::from([("orders".to_string(), "my_orders".to_string())]);
        let mut v = serde_json::json!({"input": "orders", "inputs": ["orders.valid.train", "ordersX", "orders"], "column": "amount"});
        rename(&mut v, &mapping);
        assert_eq!(
            v,
            serde_json::json!({"input": "my_orders", "inputs": ["my_orders.valid.train", "ordersX", "my_orders"], "column": "amount"})
        );
    }
}
