//! Text helpers for the profile: the shape of a value (email-like, a date in some format, a
//! number with thousands separators…), fingerprint keys for near-duplicate categories, and
//! character-bigram similarity.

use serde::{Deserialize, Serialize};

/// The recognisable form of a text value. Families: dates, numbers, contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    Email,
    Url,
    /// `1234`, `-17`
    Integer,
    /// `3.25`
    Decimal,
    /// `1,234` or `1,234,567.5`
    GroupedNumber,
    /// `12,5` (a decimal comma)
    DecimalComma,
    /// `2024-03-01`
    IsoDate,
    /// `2024-03-01T10:00` or `2024-03-01 10:00:00`
    IsoDateTime,
    /// `01/03/2024` (day or month first)
    SlashDate,
    /// `01.03.2024`
    DotDate,
    /// `2024/03/01`
    YearSlashDate,
    /// `1 Mar 2024`, `March 1, 2024`
    NamedMonthDate,
    Other,
}

pub const SHAPES: [Shape; 13] = [
    Shape::Email,
    Shape::Url,
    Shape::Integer,
    Shape::Decimal,
    Shape::GroupedNumber,
    Shape::DecimalComma,
    Shape::IsoDate,
    Shape::IsoDateTime,
    Shape::SlashDate,
    Shape::DotDate,
    Shape::YearSlashDate,
    Shape::NamedMonthDate,
    Shape::Other,
];

impl Shape {
    /// Position in `SHAPES` (the declaration order).
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn is_date(self) -> bool {
        matches!(
            self,
            Shape::IsoDate
                | Shape::IsoDateTime
                | Shape::SlashDate
                | Shape::DotDate
                | Shape::YearSlashDate
                | Shape::NamedMonthDate
        )
    }
    pub fn is_number(self) -> bool {
        matches!(self, Shape::Integer | Shape::Decimal | Shape::GroupedNumber | Shape::DecimalComma)
    }
    /// How the shape reads to a person, with an example.
    pub fn describe(self) -> &'static str {
        match self {
            Shape::Email => "email-like (a@b.c)",
            Shape::Url => "URL-like (https://…)",
            Shape::Integer => "whole number (1234)",
            Shape::Decimal => "decimal number (12.5)",
            Shape::GroupedNumber => "number with thousands separators (1,234)",
            Shape::DecimalComma => "number with a decimal comma (12,5)",
            Shape::IsoDate => "ISO date (2024-03-01)",
            Shape::IsoDateTime => "ISO date and time (2024-03-01 10:00)",
            Shape::SlashDate => "slash date (01/03/2024)",
            Shape::DotDate => "dotted date (01.03.2024)",
            Shape::YearSlashDate => "year-first slash date (2024/03/01)",
            Shape::NamedMonthDate => "date with a month name (1 Mar 2024)",
            Shape::Other => "other text",
        }
    }
}

fn digits(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(u8::is_ascii_digit)
}

fn split3(s: &[u8], sep: u8) -> Option<(&[u8], &[u8], &[u8])> {
    let mut it = s.splitn(3, |&c| c == sep);
    let (a, b, c) = (it.next()?, it.next()?, it.next()?);
    Some((a, b, c))
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

fn is_month_name(w: &str) -> bool {
    let w = w.trim_end_matches(['.', ',']).to_ascii_lowercase();
    w.len() >= 3 && MONTHS.iter().any(|m| w.starts_with(m)) && w.chars().all(|c| c.is_ascii_alphabetic())
}

fn classify_number(b: &[u8]) -> Option<Shape> {
    let b = b.strip_prefix(b"-").or_else(|| b.strip_prefix(b"+")).unwrap_or(b);
    if digits(b) {
        return Some(Shape::Integer);
    }
    if let Some(dot) = b.iter().position(|&c| c == b'.') {
        let (int, frac) = (&b[..dot], &b[dot + 1..]);
        if digits(frac) {
            if digits(int) {
                return Some(Shape::Decimal);
            }
            if grouped(int) {
                return Some(Shape::GroupedNumber);
            }
        }
        return None;
    }
    if grouped(b) {
        return Some(Shape::GroupedNumber);
    }
    if let Some(comma) = b.iter().position(|&c| c == b',') {
        let (int, frac) = (&b[..comma], &b[comma + 1..]);
        if digits(int) && digits(frac) && frac.len() != 3 {
            return Some(Shape::DecimalComma);
        }
    }
    None
}

/// `1,234` / `12,345,678`: 1–3 digits, then groups of exactly three.
fn grouped(b: &[u8]) -> bool {
    let mut groups = b.split(|&c| c == b',');
    let Some(first) = groups.next() else { return false };
    let mut n = 0;
    for g in groups {
        if g.len() != 3 || !digits(g) {
            return false;
        }
        n += 1;
    }
    n > 0 && digits(first) && first.len() <= 3
}

fn classify_date(s: &str) -> Option<Shape> {
    let b = s.as_bytes();
    if b.len() >= 8 && b.len() <= 10 {
        if let Some((y, m, d)) = split3(b, b'-') {
            if y.len() == 4
                && digits(y)
                && (1..=2).contains(&m.len())
                && digits(m)
                && (1..=2).contains(&d.len())
                && digits(d)
            {
                return Some(Shape::IsoDate);
            }
        }
        for (sep, shape) in [(b'/', Shape::SlashDate), (b'.', Shape::DotDate)] {
            if let Some((a, m, y)) = split3(b, sep) {
                if (1..=2).contains(&a.len())
                    && digits(a)
                    && (1..=2).contains(&m.len())
                    && digits(m)
                    && (y.len() == 4 || y.len() == 2)
                    && digits(y)
                {
                    return Some(shape);
                }
                if sep == b'/' && a.len() == 4 && digits(a) && digits(m) && (1..=2).contains(&y.len()) && digits(y) {
                    return Some(Shape::YearSlashDate);
                }
            }
        }
    }
    if b.len() >= 16
        && b.len() <= 35
        && (b[10] == b'T' || b[10] == b' ')
        && classify_date(&s[..10]) == Some(Shape::IsoDate)
    {
        let t = &b[11..];
        if t.len() >= 5 && t[2] == b':' && digits(&t[..2]) && digits(&t[3..5]) {
            return Some(Shape::IsoDateTime);
        }
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    if (2..=4).contains(&words.len()) && words.iter().any(|w| is_month_name(w)) {
        let numbers = words.iter().filter(|w| digits(w.trim_end_matches(',').as_bytes())).count();
        if numbers >= 1 && numbers + 1 >= words.len() - usize::from(words.len() == 4) {
            return Some(Shape::NamedMonthDate);
        }
    }
    None
}

/// `s.contains(char::is_whitespace)`, a byte at a time for ASCII text.
fn has_whitespace(s: &str) -> bool {
    if !s.is_ascii() {
        return s.contains(char::is_whitespace);
    }
    // ASCII whitespace is all below 0x21: eight bytes at a time, a word with no byte below
    // 0x21 has none (the classic "has a byte less than n" bit trick).
    let b = s.as_bytes();
    let mut words = b.chunks_exact(8);
    let low = |w: u64| w.wrapping_sub(0x2121_2121_2121_2121) & !w & 0x8080_8080_8080_8080 != 0;
    let is_space = |c: &u8| matches!(c, b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b' ');
    for w in &mut words {
        if low(u64::from_le_bytes(w.try_into().expect("8 bytes"))) && w.iter().any(is_space) {
            return true;
        }
    }
    words.remainder().iter().any(is_space)
}

fn classify_contact(s: &str) -> Option<Shape> {
    let starts = |p: &str| s.len() >= p.len() && s.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    if (starts("http://") || starts("https://") || starts("www.")) && !s.contains(' ') {
        return Some(Shape::Url);
    }
    let email = if s.is_ascii() { ascii_email(s.as_bytes()) } else { email(s) };
    email.then_some(Shape::Email)
}

/// Email-like: one `@` with something before it, then a `.` that is neither the domain's
/// first character nor less than two characters from its end, and no whitespace anywhere.
fn email(s: &str) -> bool {
    let Some(at) = s.find('@') else { return false };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    let Some(dot) = domain.rfind('.') else { return false };
    !local.is_empty() && dot > 0 && dot + 2 <= domain.len() && !has_whitespace(s) && !domain.contains('@')
}

/// `email` for ASCII text, in one pass over the bytes (the email-like columns of large tables
/// are classified row by row): eight bytes at a time, the last few as one word overlapping
/// the one before (no byte loop), with exact per-byte masks for `@` and `.` and the "has a byte
/// below 0x21" test in front of the whitespace check.
#[inline]
fn ascii_email(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `w` equal to `c`, and no other bit.
    let eq = |w: u64, c: u8| {
        let x = w ^ (ONES * u64::from(c));
        !((x & LOW7).wrapping_add(LOW7) | x | LOW7)
    };
    let is_space = |c: &u8| matches!(c, b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b' ');
    let word = |bytes: &[u8]| u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
    let (mut at, mut dot) = (usize::MAX, usize::MAX);
    // Bytes `i..i + 8` as the word `w`, of which only those whose high bit is set in `new`
    // count (`fresh` being those bytes): false when the text cannot be email-like.
    let mut scan = |w: u64, i: usize, new: u64, fresh: &[u8]| {
        // A byte below 0x21 always sets its own bit (a borrow may set bits above it).
        if w.wrapping_sub(0x2121_2121_2121_2121) & !w & new != 0 && fresh.iter().any(is_space) {
            return false;
        }
        let ats = eq(w, b'@') & new;
        if ats != 0 {
            if at != usize::MAX || ats.count_ones() > 1 {
                return false;
            }
            at = i + ats.trailing_zeros() as usize / 8;
        }
        let mut dots = eq(w, b'.') & new;
        if at != usize::MAX && dots != 0 {
            if at >= i {
                // Only the dots after the `@` (which is in this word).
                let skip = 8 * (at - i + 1);
                dots = if skip >= 64 { 0 } else { dots >> skip << skip };
            }
            if dots != 0 {
                dot = i + (63 - dots.leading_zeros() as usize) / 8;
            }
        }
        true
    };
    if b.len() >= 8 {
        let mut words = b.chunks_exact(8);
        let mut i = 0;
        for chunk in &mut words {
            if !scan(word(chunk), i, HIGH, chunk) {
                return false;
            }
            i += 8;
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            // The last eight bytes; those already scanned are masked out.
            let i = b.len() - 8;
            if !scan(word(&b[i..]), i, HIGH << (8 * (8 - rest.len())), rest) {
                return false;
            }
        }
    } else {
        for (j, &c) in b.iter().enumerate() {
            match c {
                b'@' if at == usize::MAX => at = j,
                b'@' => return false,
                b'.' if at != usize::MAX => dot = j,
                c if is_space(&c) => return false,
                _ => {}
            }
        }
    }
    // `dot` is the last `.` after the `@`; the domain is `b[at + 1..]`.
    at != usize::MAX && at > 0 && dot != usize::MAX && dot > at + 1 && dot + 2 <= b.len()
}

/// The shape of one text value; cheap enough to run on every value.
pub fn classify(s: &str) -> Shape {
    let s = s.trim();
    let Some(&first) = s.as_bytes().first() else { return Shape::Other };
    if first.is_ascii_digit() || first == b'-' || first == b'+' {
        if let Some(shape) = classify_number(s.as_bytes()) {
            return shape;
        }
        if let Some(shape) = classify_date(s) {
            return shape;
        }
        return Shape::Other;
    }
    if first.is_ascii_alphabetic() {
        if let Some(shape) = classify_contact(s) {
            return shape;
        }
        if s.len() <= 20 && s.as_bytes().iter().any(u8::is_ascii_digit) {
            if let Some(shape) = classify_date(s) {
                return shape;
            }
        }
    }
    Shape::Other
}

/// Letters without accents for the common Latin range; anything else unchanged.
fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        _ => c,
    }
}

/// Lower-cased, accent-folded words with punctuation removed.
fn words(s: &str) -> Vec<String> {
    let mut cleaned = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase).map(fold_accent) {
        if c.is_alphanumeric() {
            cleaned.push(c);
        } else if c.is_whitespace() || c == '-' || c == '_' || c == '/' {
            cleaned.push(' ');
        }
        // Other punctuation (".", ",", "'") vanishes: "U.S.A." and "USA" become one word.
    }
    cleaned.split_whitespace().map(str::to_string).collect()
}

/// OpenRefine's fingerprint key: case, accents, punctuation, spacing and word order ignored.
pub fn fingerprint(s: &str) -> String {
    let mut w = words(s);
    w.sort();
    w.dedup();
    w.join(" ")
}

/// Initials of a multi-word value ("New York City" → "nyc"), skipping small linking words;
/// `None` for one-word values.
pub fn initials(s: &str) -> Option<String> {
    let w = words(s);
    let w: Vec<&String> = w.iter().filter(|w| !matches!(w.as_str(), "of" | "the" | "and" | "de" | "la")).collect();
    if w.len() < 2 {
        return None;
    }
    Some(w.iter().filter_map(|w| w.chars().next()).collect())
}

/// Dice coefficient of character bigrams of the fingerprints (1.0 = same bigrams).
pub fn bigram_similarity(a: &str, b: &str) -> f64 {
    fn grams(s: &str) -> Vec<(char, char)> {
        let chars: Vec<char> = s.chars().collect();
        let mut g: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
        g.sort();
        g
    }
    let (ga, gb) = (grams(a), grams(b));
    if ga.is_empty() || gb.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < ga.len() && j < gb.len() {
        match ga[i].cmp(&gb[j]) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    2.0 * common as f64 / (ga.len() + gb.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_whitespace_test_agrees_with_char_is_whitespace() {
        for b in 0u8..128 {
            let s = format!("a{}b", b as char);
            assert_eq!(has_whitespace(&s), s.contains(char::is_whitespace), "byte {b}");
        }
        assert!(has_whitespace("a\u{00A0}b@c.de"));
        assert!(!has_whitespace("é@c.de"));
        // Every position of a long value, every ASCII byte.
        for pos in 0..20 {
            for b in 0u8..128 {
                let mut v = vec![b'x'; 20];
                v[pos] = b;
                let s = String::from_utf8(v).unwrap();
                assert_eq!(has_whitespace(&s), s.contains(char::is_whitespace), "byte {b} at {pos}");
            }
        }
    }

    #[test]
    fn shapes() {
        for (i, s) in SHAPES.iter().enumerate() {
            assert_eq!(s.index(), i);
        }
        for (s, shape) in [
            ("ana@example.com", Shape::Email),
            ("ana.example.com", Shape::Other),
            ("https://strata.dev/x", Shape::Url),
            ("1234", Shape::Integer),
            ("-3.5", Shape::Decimal),
            ("1,234", Shape::GroupedNumber),
            ("1,234,567.25", Shape::GroupedNumber),
            ("12,5", Shape::DecimalComma),
            ("2024-03-01", Shape::IsoDate),
            ("2024-03-01T10:15:00Z", Shape::IsoDateTime),
            ("01/03/2024", Shape::SlashDate),
            ("1.3.2024", Shape::DotDate),
            ("2024/03/01", Shape::YearSlashDate),
            ("1 Mar 2024", Shape::NamedMonthDate),
            ("March 1, 2024", Shape::NamedMonthDate),
            ("gift, wrapped", Shape::Other),
            ("New York", Shape::Other),
        ] {
            assert_eq!(classify(s), shape, "{s}");
        }
    }

    #[test]
    fn ascii_email_test_matches_the_general_one() {
        for s in [
            "a@b.c",
            "a@.bc",
            "a@b.",
            "a@b.cd",
            "a@@b.c",
            "a b@c.de",
            "@b.cd",
            "a@b.c.d",
            "a.b@cd",
            "a@b\t.cd",
            "a@b.c@d.e",
            "ab@cd",
            "a@bc.",
            "user1@example.com",
            "x@y..z",
            "a@b.cd ",
            "a\x0b@b.cd",
            "",
        ] {
            assert_eq!(ascii_email(s.as_bytes()), email(s), "{s:?}");
        }
        // Random strings over the characters that matter, every length up to 40.
        let mut rng = crate::core::synth::SplitMix64::new(11);
        let alphabet = b"ab.@@ .\t\x01x9";
        for _ in 0..200_000 {
            let len = rng.below(41) as usize;
            let s: String = (0..len).map(|_| alphabet[rng.below(alphabet.len() as u64) as usize] as char).collect();
            assert_eq!(ascii_email(s.as_bytes()), email(&s), "{s:?}");
        }
    }

    #[test]
    fn fingerprints_and_initials() {
        assert_eq!(fingerprint("  NYC "), "nyc");
        assert_eq!(fingerprint("U.S.A."), fingerprint("usa"));
        assert_eq!(fingerprint("São Paulo"), fingerprint("sao paulo"));
        assert_eq!(fingerprint("York, New"), fingerprint("new york"));
        assert_eq!(initials("New York City").as_deref(), Some("nyc"));
        assert_eq!(initials("United States of America").as_deref(), Some("usa"));
        assert_eq!(initials("Paris"), None);
        assert!(bigram_similarity("germany", "germny") > 0.7);
        assert!(bigram_similarity("books", "tools") < 0.6);
    }
}
