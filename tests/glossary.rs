//! The in-app glossary's data and its links, checked natively: the UI is wasm-only, but its
//! entries are plain static data, so this test includes the file by path and reads the panels'
//! sources for the `<Term id="…">` links they render.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "../src/ui/glossary/entries.rs"]
mod entries;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The ids of every `<Term id="…">` written in the UI outside the glossary itself, with the file.
fn term_links() -> Vec<(String, PathBuf)> {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut files = Vec::new();
    rust_files(&ui, &mut files);
    files.sort();
    let mut links = Vec::new();
    for f in files.into_iter().filter(|f| !f.starts_with(ui.join("glossary"))) {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("<Term") {
            rest = &rest[at + "<Term".len()..];
            let id = rest
                .strip_prefix(" id=\"")
                .and_then(|r| r.split_once('"'))
                .map(|(id, _)| id.to_string())
                .unwrap_or_else(|| panic!("{}: a <Term> without a literal id: {:.40}", f.display(), rest));
            links.push((id, f.clone()));
        }
    }
    links
}

#[test]
fn ids_are_unique_stable_anchors_and_entries_are_concise() {
    let all: Vec<_> = entries::all().collect();
    assert!((30..=50).contains(&all.len()), "{} entries", all.len());
    let ids: BTreeSet<_> = all.iter().map(|e| e.id).collect();
    assert_eq!(ids.len(), all.len(), "duplicate ids");
    for e in &all {
        assert!(
            !e.id.is_empty() && e.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "id {:?} is not a lowercase anchor",
            e.id
        );
        assert_eq!(entries::anchor(e.id), format!("glossary-{}", e.id));
        assert_eq!(entries::entry(e.id), Some(*e));
        assert!(!e.term.is_empty() && !e.text.is_empty(), "{}", e.id);
        let words = e.text.split_whitespace().count();
        assert!((15..=80).contains(&words), "{}: {words} words; an entry is a few sentences", e.id);
        for s in e.see {
            assert!(ids.contains(s), "{} sees {s}, which is no entry", e.id);
            assert_ne!(s, &e.id, "{} sees itself", e.id);
        }
    }
    assert_eq!(entries::entry("no-such-term"), None);
}

#[test]
fn the_terms_the_panels_link_are_exactly_the_entries() {
    let links = term_links();
    let used: BTreeSet<&str> = links.iter().map(|(id, _)| id.as_str()).collect();
    let present: BTreeSet<&str> = entries::all().map(|e| e.id).collect();
    let missing: Vec<_> = links.iter().filter(|(id, _)| !present.contains(id.as_str())).collect();
    assert!(missing.is_empty(), "links to no entry: {missing:?}");
    let unused: Vec<_> = present.difference(&used).collect();
    assert!(unused.is_empty(), "entries no panel links to: {unused:?}");
    // Every panel's explanation links at least one term.
    let panels = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui/panels");
    for p in ["load.rs", "profile.rs", "validate.rs", "clean", "sample.rs", "compare.rs", "export.rs", "share.rs"] {
        assert!(links.iter().any(|(_, f)| f.starts_with(panels.join(p))), "{p} links no glossary term");
    }
}

#[test]
fn the_glossary_stays_out_of_the_core() {
    // The page wasm must stay small: the glossary is text for the UI, and reaches no core code.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui/glossary");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    assert!(files.len() >= 2);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for forbidden in ["crate::core", "crate::protocol", "crate::view_model", "super::state"] {
            assert!(!text.contains(forbidden), "{} uses {forbidden}", f.display());
        }
    }
}
