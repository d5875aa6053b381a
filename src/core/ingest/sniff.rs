//! Sniffing a delimited text file: encoding, delimiter, quote, escape, header and line endings.
//! Every guess comes with the evidence for it, so the UI can show it and the user can override it.

use serde::{Deserialize, Serialize};

use super::infer::{parse_bool, parse_date, parse_f64_exact, DateOrder};
use crate::core::error::{CoreError, Result};

/// Text encodings Strata reads. UTF-16 is recognised by its byte-order mark only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::Utf16Le => "UTF-16 LE",
            TextEncoding::Utf16Be => "UTF-16 BE",
            TextEncoding::Windows1252 => "Windows-1252 (Latin-1)",
        }
    }
    /// Length of the byte-order mark that starts files of this encoding.
    pub fn bom_len(self) -> usize {
        match self {
            TextEncoding::Utf8Bom => 3,
            TextEncoding::Utf16Le | TextEncoding::Utf16Be => 2,
            _ => 0,
        }
    }
}

/// How a quote character inside a quoted field is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Escape {
    /// `""` inside quotes, as RFC 4180.
    Doubled,
    /// `\"` inside quotes.
    Backslash,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LineEnding {
    Lf,
    CrLf,
    Cr,
    None,
}

/// The sniffed (or user-chosen) dialect of a delimited file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dialect {
    pub encoding: TextEncoding,
    pub delimiter: u8,
    pub quote: u8,
    pub escape: Escape,
    pub has_header: bool,
    pub line_ending: LineEnding,
    /// One sentence of evidence per guess, in the order encoding, delimiter, quote, header.
    pub evidence: Vec<String>,
}

impl Dialect {
    pub fn delimiter_label(&self) -> String {
        delimiter_name(self.delimiter)
    }
}

pub fn delimiter_name(d: u8) -> String {
    match d {
        b',' => "comma (,)".into(),
        b';' => "semicolon (;)".into(),
        b'\t' => "tab".into(),
        b'|' => "pipe (|)".into(),
        other => format!("'{}'", other as char),
    }
}

/// What the user pinned; `None` means "sniff it".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialectOverrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<TextEncoding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escape: Option<Escape>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_header: Option<bool>,
}

const CANDIDATE_DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
const MAX_SNIFF_RECORDS: usize = 200;

/// Rejects what is clearly not text, naming the format when its magic bytes are known.
pub fn check_binary(head: &[u8], encoding: TextEncoding) -> Result<()> {
    let magic_hint = if head.starts_with(b"PAR1") {
        "; it starts with PAR1, so it is probably a Parquet file: rename it to .parquet"
    } else if head.starts_with(b"PK\x03\x04") {
        "; it is a zip archive (or an Excel .xlsx): unzip it or export it as CSV"
    } else if head.starts_with(&[0x1f, 0x8b]) {
        "; it is gzip-compressed: decompress it first"
    } else if head.starts_with(b"\x89PNG") || head.starts_with(&[0xff, 0xd8, 0xff]) {
        "; it is an image"
    } else if head.starts_with(b"%PDF") {
        "; it is a PDF document"
    } else {
        ""
    };
    if matches!(encoding, TextEncoding::Utf16Le | TextEncoding::Utf16Be) {
        return Ok(());
    }
    if let Some(pos) = head.iter().position(|&b| b == 0) {
        return Err(CoreError::BinaryData { offset: pos as u64, reason: "a NUL byte".into(), hint: magic_hint.into() });
    }
    let controls =
        head.iter().take(64 * 1024).filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    let n = head.len().min(64 * 1024);
    if n > 0 && controls * 20 > n {
        let pos = head.iter().position(|&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).unwrap_or(0);
        return Err(CoreError::BinaryData {
            offset: pos as u64,
            reason: format!("{controls} control bytes in the first {n} bytes"),
            hint: magic_hint.into(),
        });
    }
    if !magic_hint.is_empty() {
        return Err(CoreError::BinaryData {
            offset: 0,
            reason: "known binary magic bytes".into(),
            hint: magic_hint.into(),
        });
    }
    Ok(())
}

/// Guesses the encoding from a byte-order mark, else from whether the head is valid UTF-8.
pub fn sniff_encoding(head: &[u8]) -> (TextEncoding, String) {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return (TextEncoding::Utf8Bom, "a UTF-8 byte-order mark starts the file".into());
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return (TextEncoding::Utf16Le, "a UTF-16 little-endian byte-order mark starts the file".into());
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return (TextEncoding::Utf16Be, "a UTF-16 big-endian byte-order mark starts the file".into());
    }
    match std::str::from_utf8(head) {
        Ok(_) => (TextEncoding::Utf8, "the sample is valid UTF-8".into()),
        Err(e) if e.error_len().is_none() => {
            (TextEncoding::Utf8, "the sample is valid UTF-8 (a character is cut at the sample's end)".into())
        }
        Err(e) => (
            TextEncoding::Windows1252,
            format!(
                "byte 0x{:02X} at offset {} is not valid UTF-8, so the file is read as Windows-1252 (Latin-1)",
                head[e.valid_up_to()],
                e.valid_up_to()
            ),
        ),
    }
}

/// Decodes a sample to UTF-8 for sniffing (lossy: the sample is only looked at).
pub fn decode_sample(head: &[u8], encoding: TextEncoding) -> String {
    let body = &head[encoding.bom_len().min(head.len())..];
    let enc = match encoding {
        TextEncoding::Utf8 | TextEncoding::Utf8Bom => return String::from_utf8_lossy(body).into_owned(),
        TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
        TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
        TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252,
    };
    let (text, _) = enc.decode_without_bom_handling(body);
    text.into_owned()
}

fn parse_records(sample: &[u8], delimiter: u8, quote: u8, escape: Escape, limit: usize) -> Vec<Vec<String>> {
    let mut builder = csv_core::ReaderBuilder::new();
    builder.delimiter(delimiter).quote(quote).terminator(csv_core::Terminator::CRLF);
    if escape == Escape::Backslash {
        builder.double_quote(false).escape(Some(b'\\'));
    }
    let mut rdr = builder.build();
    let mut out = vec![0u8; 1 << 16];
    let mut ends = vec![0usize; 256];
    let mut input = sample;
    let mut records = Vec::new();
    let (mut nout, mut nend) = (0, 0);
    while records.len() < limit {
        let (res, nin, o, e) = rdr.read_record(input, &mut out[nout..], &mut ends[nend..]);
        input = &input[nin..];
        nout += o;
        nend += e;
        match res {
            csv_core::ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
            csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            csv_core::ReadRecordResult::InputEmpty => {
                // A sample ends mid-record: drop the partial last record.
                break;
            }
            csv_core::ReadRecordResult::Record => {
                let mut start = 0;
                let rec = ends[..nend]
                    .iter()
                    .map(|&end| {
                        let f = String::from_utf8_lossy(&out[start..end]).into_owned();
                        start = end;
                        f
                    })
                    .collect();
                records.push(rec);
                nout = 0;
                nend = 0;
            }
            csv_core::ReadRecordResult::End => break,
        }
    }
    records
}

/// Sniffs the dialect of a sample (already decoded to UTF-8). `complete` says the sample is the
/// whole file, so its last record counts even without a trailing newline.
pub fn sniff_dialect(
    sample: &str,
    encoding: TextEncoding,
    encoding_evidence: String,
    overrides: &DialectOverrides,
    name_hint: &str,
    complete: bool,
) -> Dialect {
    let bytes = sample.as_bytes();
    // Only whole lines: cut the sample after its last newline unless it is the whole file.
    let cut =
        if complete { bytes.len() } else { bytes.iter().rposition(|&b| b == b'\n').map_or(bytes.len(), |p| p + 1) };
    let whole = &bytes[..cut];
    let owned;
    let whole: &[u8] = if complete && !whole.ends_with(b"\n") {
        owned = [whole, b"\n"].concat();
        &owned
    } else {
        whole
    };

    let line_ending = if let Some(p) = bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
        if bytes[p] == b'\r' {
            if bytes.get(p + 1) == Some(&b'\n') {
                LineEnding::CrLf
            } else {
                LineEnding::Cr
            }
        } else {
            LineEnding::Lf
        }
    } else {
        LineEnding::None
    };

    let quote = overrides.quote.unwrap_or_else(|| {
        let dq = bytes.iter().filter(|&&b| b == b'"').count();
        let sq = sample.matches(",'").count() + sample.matches(";'").count() + sample.matches("\t'").count();
        if dq == 0 && sq > 3 {
            b'\''
        } else {
            b'"'
        }
    });
    let q = quote as char;
    let escape = overrides.escape.unwrap_or_else(|| {
        let backslashed = sample.matches(&format!("\\{q}")).count();
        let doubled = sample.matches(&format!("{q}{q}")).count();
        if backslashed > 0 && backslashed > doubled {
            Escape::Backslash
        } else {
            Escape::Doubled
        }
    });

    let tsv_hint = name_hint.to_ascii_lowercase().ends_with(".tsv") || name_hint.to_ascii_lowercase().ends_with(".tab");
    let (delimiter, delim_evidence) = match overrides.delimiter {
        Some(d) => (d, format!("delimiter {} chosen by you", delimiter_name(d))),
        None => {
            let mut best: Option<(f64, u8, usize, usize)> = None;
            for &d in &CANDIDATE_DELIMITERS {
                let recs = parse_records(whole, d, quote, escape, MAX_SNIFF_RECORDS);
                if recs.is_empty() {
                    continue;
                }
                let mut counts = std::collections::BTreeMap::new();
                for r in &recs {
                    *counts.entry(r.len()).or_insert(0usize) += 1;
                }
                let (&mode, &freq) = counts.iter().max_by_key(|(len, c)| (**c, **len)).unwrap();
                if mode < 2 {
                    continue;
                }
                let consistency = freq as f64 / recs.len() as f64;
                let mut score = consistency * (1.0 + (mode as f64).ln());
                if tsv_hint && d == b'\t' {
                    score *= 1.5;
                }
                if best.is_none_or(|(s, ..)| score > s) {
                    best = Some((score, d, mode, recs.len()));
                }
            }
            match best {
                Some((_, d, mode, n)) => (
                    d,
                    format!(
                        "delimiter {}: {n} sampled rows split into {mode} fields most consistently",
                        delimiter_name(d)
                    ),
                ),
                None => (
                    if tsv_hint { b'\t' } else { b',' },
                    "no delimiter splits the rows consistently, so the file is read as a single column".into(),
                ),
            }
        }
    };

    let (has_header, header_evidence) = match overrides.has_header {
        Some(h) => (h, format!("header {} by your choice", if h { "present" } else { "absent" })),
        None => guess_header(&parse_records(whole, delimiter, quote, escape, 50)),
    };

    Dialect {
        encoding,
        delimiter,
        quote,
        escape,
        has_header,
        line_ending,
        evidence: vec![
            match overrides.encoding {
                Some(_) => format!("encoding {} chosen by you", encoding.label()),
                None => format!("encoding {}: {encoding_evidence}", encoding.label()),
            },
            delim_evidence,
            format!(
                "quote {q} with {} escapes",
                if escape == Escape::Doubled { format!("doubled ({q}{q})") } else { format!("backslash (\\{q})") }
            ),
            header_evidence,
        ],
    }
}

fn value_kind(v: &str) -> u8 {
    let b = v.trim().as_bytes();
    if b.is_empty() {
        0
    } else if parse_f64_exact(b).is_some() {
        1
    } else if parse_bool(b).is_some() {
        2
    } else if [DateOrder::Ymd, DateOrder::Dmy, DateOrder::Mdy].iter().any(|&o| parse_date(b, o).is_some()) {
        3
    } else {
        4
    }
}

/// Python's csv.Sniffer idea: a header row's cells differ in kind from the cells below them.
fn guess_header(records: &[Vec<String>]) -> (bool, String) {
    let Some(first) = records.first() else {
        return (true, "header assumed (the sample has no rows)".into());
    };
    if records.len() == 1 {
        let textual = first.iter().all(|v| value_kind(v) == 4);
        return (
            textual,
            format!("header {} (a single row)", if textual { "assumed" } else { "absent: the only row holds values" }),
        );
    }
    let mut votes_for = 0i32;
    let mut votes_against = 0i32;
    let mut witness = None;
    for (c, head) in first.iter().enumerate() {
        let kinds: Vec<u8> =
            records[1..].iter().filter_map(|r| r.get(c)).map(|v| value_kind(v)).filter(|&k| k != 0).collect();
        if kinds.is_empty() {
            continue;
        }
        let body_kind = kinds[0];
        if kinds.iter().all(|&k| k == body_kind) {
            if value_kind(head) != body_kind && value_kind(head) == 4 {
                votes_for += 1;
                witness.get_or_insert_with(|| head.clone());
            } else if body_kind != 4 || value_kind(head) != 4 {
                votes_against += 1;
            }
        }
    }
    let dup = {
        let mut seen = std::collections::HashSet::new();
        first.iter().any(|h| !h.is_empty() && !seen.insert(h))
    };
    if votes_for > votes_against && !dup {
        (true, format!("header present: \"{}\" is text above a column of values", witness.unwrap_or_default()))
    } else if votes_against > votes_for {
        (false, "no header: the first row holds values of the same kinds as the rows below".into())
    } else {
        let all_text_unique = !dup && first.iter().all(|h| value_kind(h) == 4);
        (
            all_text_unique,
            if all_text_unique {
                "header assumed: the first row is all distinct text".into()
            } else {
                "no header: the first row does not look like names".into()
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(s: &str) -> Dialect {
        sniff_dialect(s, TextEncoding::Utf8, "test".into(), &DialectOverrides::default(), "x.csv", true)
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff("a,b,c\n1,2,3\n4,5,6\n").delimiter, b',');
        assert_eq!(sniff("a;b;c\n1,5;2;3\n4;5;6\n").delimiter, b';');
        assert_eq!(sniff("a\tb\n1\t2\n").delimiter, b'\t');
        assert_eq!(sniff("a|b|c\n1|2|3\n").delimiter, b'|');
    }

    #[test]
    fn header_detection() {
        assert!(sniff("id,amount\n1,2.5\n2,3.5\n").has_header);
        assert!(!sniff("1,2.5\n2,3.5\n3,4\n").has_header);
        assert!(sniff("name,city\nann,paris\nbob,rome\n").has_header);
    }

    #[test]
    fn encodings() {
        assert_eq!(sniff_encoding(b"\xEF\xBB\xBFa,b").0, TextEncoding::Utf8Bom);
        assert_eq!(sniff_encoding(b"\xFF\xFEa\0").0, TextEncoding::Utf16Le);
        assert_eq!(sniff_encoding("café".as_bytes()).0, TextEncoding::Utf8);
        assert_eq!(sniff_encoding(b"caf\xe9;x").0, TextEncoding::Windows1252);
        assert_eq!(decode_sample(b"caf\xe9", TextEncoding::Windows1252), "café");
    }

    #[test]
    fn binary_rejected() {
        assert!(matches!(check_binary(b"PAR1\0\0", TextEncoding::Utf8), Err(CoreError::BinaryData { .. })));
        assert!(check_binary(b"a,b\n1,2\n", TextEncoding::Utf8).is_ok());
    }

    #[test]
    fn escapes_and_line_endings() {
        let d = sniff("a,b\r\n\"x \\\"q\\\"\",2\r\n");
        assert_eq!(d.escape, Escape::Backslash);
        assert_eq!(d.line_ending, LineEnding::CrLf);
    }
}
