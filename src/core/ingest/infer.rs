//! Type inference for text columns and the fast value parsers used by the full typed parse.
//!
//! Inference looks at a sample of rows and picks, per column, the narrowest type every non-null
//! sample value fits: boolean, int64, float64, decimal (when float64 would lose digits), date,
//! timestamp, else string. Codes with leading zeros stay text. When dates could be read day-first
//! or month-first, the column stays text and an ambiguity is reported: we never guess silently.

use arrow_schema::{DataType, TimeUnit};
use serde::{Deserialize, Serialize};

/// Order of the day, month and year parts of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    Ymd,
    Dmy,
    Mdy,
}

impl DateOrder {
    pub fn label(self) -> &'static str {
        match self {
            DateOrder::Ymd => "year-month-day",
            DateOrder::Dmy => "day/month/year",
            DateOrder::Mdy => "month/day/year",
        }
    }
}

/// A column's type as Strata infers and users override it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ColumnType {
    Boolean,
    Int64,
    Float64,
    Decimal {
        precision: u8,
        scale: i8,
    },
    Date {
        order: DateOrder,
    },
    /// `utc` is true when values carry an offset (they are converted to UTC).
    Timestamp {
        order: DateOrder,
        utc: bool,
    },
    String,
}

impl ColumnType {
    pub fn data_type(self) -> DataType {
        match self {
            ColumnType::Boolean => DataType::Boolean,
            ColumnType::Int64 => DataType::Int64,
            ColumnType::Float64 => DataType::Float64,
            ColumnType::Decimal { precision, scale } => DataType::Decimal128(precision, scale),
            ColumnType::Date { .. } => DataType::Date32,
            ColumnType::Timestamp { utc, .. } => {
                DataType::Timestamp(TimeUnit::Microsecond, if utc { Some("UTC".into()) } else { None })
            }
            ColumnType::String => DataType::Utf8,
        }
    }

    /// A short name for badges and messages.
    pub fn name(self) -> String {
        match self {
            ColumnType::Boolean => "boolean".into(),
            ColumnType::Int64 => "int64".into(),
            ColumnType::Float64 => "float64".into(),
            ColumnType::Decimal { precision, scale } => format!("decimal({precision},{scale})"),
            ColumnType::Date { order } => format!("date ({})", order.label()),
            ColumnType::Timestamp { order, utc } => {
                format!("timestamp ({}{})", order.label(), if utc { ", UTC" } else { "" })
            }
            ColumnType::String => "string".into(),
        }
    }
}

/// A parsed cell, staged before a row is committed to the column builders.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Null,
    Bool(bool),
    I64(i64),
    F64(f64),
    Dec(i128),
    Date(i32),
    Ts(i64),
    Str,
}

/// Parses a canonical integer: optional '-', no leading zeros (codes like "007" stay text), no '+'.
#[inline]
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || digits.len() > 19 || (digits[0] == b'0' && (digits.len() > 1 || neg)) {
        return None;
    }
    if digits.len() <= 18 {
        // Below 10^18: no overflow to check for.
        let mut v: u64 = 0;
        for &b in digits {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            v = v * 10 + d as u64;
        }
        return Some(if neg { -(v as i64) } else { v as i64 });
    }
    let mut v: i64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = if neg { v.checked_mul(10)?.checked_sub(d as i64)? } else { v.checked_mul(10)?.checked_add(d as i64)? };
    }
    Some(v)
}

/// Shape of a decimal literal: digits before and after the point, and whether it has an exponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberShape {
    pub int_digits: usize,
    pub frac_digits: usize,
    pub exponent: bool,
    pub significant: usize,
}

/// Recognises a plain number `-?digits[.digits][e±digits]` and rejects codes with leading zeros.
pub fn number_shape(s: &[u8]) -> Option<NumberShape> {
    let mut i = 0;
    if matches!(s.first(), Some(b'-') | Some(b'+')) {
        i = 1;
    }
    let int_start = i;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if int_digits > 1 && s[int_start] == b'0' {
        return None; // "007", "00.5": a code, not a quantity
    }
    let mut frac_digits = 0;
    if i < s.len() && s[i] == b'.' {
        i += 1;
        let fs = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - fs;
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    let mut exponent = false;
    if i < s.len() && (s[i] == b'e' || s[i] == b'E') {
        i += 1;
        if i < s.len() && (s[i] == b'-' || s[i] == b'+') {
            i += 1;
        }
        let es = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        if i == es {
            return None;
        }
        exponent = true;
    }
    if i != s.len() {
        return None;
    }
    // Significant digits: without leading zeros of the integer part and trailing zeros of the
    // fraction (they carry no precision). Counted without allocating: this runs per value.
    let digits_end = int_start + int_digits + if frac_digits > 0 { frac_digits + 1 } else { 0 };
    let body = &s[int_start..digits_end];
    let first = body.iter().position(|&d| d.is_ascii_digit() && d != b'0');
    let significant = match first {
        None => 0,
        Some(f) => {
            let last = body.iter().rposition(|&d| d.is_ascii_digit() && d != b'0').unwrap_or(f);
            let point_between = body[f..=last].contains(&b'.') as usize;
            last - f + 1 - point_between
        }
    };
    Some(NumberShape { int_digits, frac_digits, exponent, significant })
}

/// Parses a float and reports whether float64 keeps it exactly (≤15 significant digits always do;
/// longer literals are checked by printing the shortest round-trip form back).
#[inline]
pub fn parse_f64_exact(s: &[u8]) -> Option<(f64, bool)> {
    if let Some(v) = parse_short_decimal(s) {
        return Some((v, true));
    }
    parse_f64_exact_slow(s)
}

/// Powers of ten that f64 holds exactly.
const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// The common case of [`parse_f64_exact`], without going through text: `-?digits[.digits]` with
/// 1 to 15 digits in all and no leading zero before another integer digit. Such a value is
/// `m / 10^k` with `m < 2^53` and `k <= 15`, both exact in f64, so one division gives the
/// correctly rounded result (what `str::parse` gives), and at most 15 significant digits mean
/// float64 keeps it exactly. `None` hands every other text to the full parser.
#[inline(always)]
fn parse_short_decimal(s: &[u8]) -> Option<f64> {
    let (neg, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.len() > 16 {
        return None;
    }
    let mut m = 0u64;
    let mut point = None;
    for (i, &b) in digits.iter().enumerate() {
        let d = b.wrapping_sub(b'0');
        if d <= 9 {
            m = m * 10 + d as u64;
        } else if b == b'.' && point.is_none() {
            point = Some(i);
        } else {
            return None;
        }
    }
    let n = digits.len() - point.is_some() as usize;
    let int_digits = point.unwrap_or(digits.len());
    if n == 0 || n > 15 || (int_digits > 1 && digits[0] == b'0') {
        return None;
    }
    let v = m as f64 / POW10[n - int_digits];
    Some(if neg { -v } else { v })
}

/// [`parse_f64_exact`] for any text.
fn parse_f64_exact_slow(s: &[u8]) -> Option<(f64, bool)> {
    match s {
        b"NaN" | b"nan" => return Some((f64::NAN, true)),
        b"inf" | b"Infinity" | b"+inf" => return Some((f64::INFINITY, true)),
        b"-inf" | b"-Infinity" => return Some((f64::NEG_INFINITY, true)),
        _ => {}
    }
    let shape = number_shape(s)?;
    // SAFETY of from_utf8: number_shape accepted only ASCII digits, signs, '.', 'e'.
    let text = std::str::from_utf8(s).ok()?;
    let v: f64 = text.parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    let exact = shape.significant <= 15 || same_digits(text, v);
    Some((v, exact))
}

/// True when `v` printed in shortest form carries the same significant digits as `text`.
fn same_digits(text: &str, v: f64) -> bool {
    let mut buf = ryu::Buffer::new();
    let printed = buf.format_finite(v);
    significant_digits(text) == significant_digits(printed) && decimal_exponent(text) == decimal_exponent(printed)
}

fn significant_digits(s: &str) -> String {
    let mantissa = s.split(['e', 'E']).next().unwrap_or("");
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    digits.trim_start_matches('0').trim_end_matches('0').to_string()
}

/// The power of ten of the first significant digit, so 1.5 and 15 are told apart.
fn decimal_exponent(s: &str) -> i64 {
    let mut parts = s.split(['e', 'E']);
    let mantissa = parts.next().unwrap_or("");
    let exp: i64 = parts.next().and_then(|e| e.parse().ok()).unwrap_or(0);
    let mantissa = mantissa.trim_start_matches(['-', '+']);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let int_trim = int.trim_start_matches('0');
    if !int_trim.is_empty() {
        exp + int_trim.len() as i64 - 1
    } else {
        let lead = frac.len() - frac.trim_start_matches('0').len();
        exp - lead as i64 - 1
    }
}

/// Parses a plain decimal literal into an i128 scaled by 10^scale; None if it has more fraction
/// digits than `scale` (that would round) or does not fit `precision`.
pub fn parse_decimal(s: &[u8], precision: u8, scale: i8) -> Option<i128> {
    let shape = number_shape(s)?;
    if shape.exponent || shape.frac_digits > scale.max(0) as usize {
        return None;
    }
    if shape.int_digits + scale.max(0) as usize > precision as usize {
        // Leading zero integer part ("0.5") has int_digits 1 but no precision cost.
        if !(shape.int_digits == 1 && s.iter().find(|b| b.is_ascii_digit()) == Some(&b'0')) {
            return None;
        }
    }
    let neg = s.first() == Some(&b'-');
    let mut v: i128 = 0;
    let mut frac_seen = 0usize;
    let mut after_point = false;
    for &b in s {
        match b {
            b'0'..=b'9' => {
                v = v.checked_mul(10)?.checked_add((b - b'0') as i128)?;
                if after_point {
                    frac_seen += 1;
                }
            }
            b'.' => after_point = true,
            _ => {}
        }
    }
    for _ in frac_seen..scale.max(0) as usize {
        v = v.checked_mul(10)?;
    }
    Some(if neg { -v } else { v })
}

#[inline]
pub fn parse_bool(s: &[u8]) -> Option<bool> {
    match s {
        b"true" | b"TRUE" | b"True" => Some(true),
        b"false" | b"FALSE" | b"False" => Some(false),
        _ => None,
    }
}

#[inline]
fn digits_value(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 4 {
        return None;
    }
    let mut v = 0u32;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as u32;
    }
    Some(v)
}

/// Days since 1970-01-01 for a valid calendar date.
#[inline]
pub fn days_from_civil(y: i32, m: u32, d: u32) -> Option<i32> {
    if !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let dim = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m as usize - 1];
    if d > dim {
        return None;
    }
    // Howard Hinnant's algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146097 + doe as i32 - 719468)
}

/// [`days_from_civil`] for years 1 to 9999, without signed division: the days of the whole
/// years since 1970 (counting leap days), of the whole months, and of the month.
#[inline]
fn days_from_civil_ad(y: u32, m: u32, d: u32) -> Option<i32> {
    const BEFORE_MONTH: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let leap = y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
    let m = m as usize - 1;
    if d > MONTH_DAYS[m] + (m == 1 && leap) as u32 {
        return None;
    }
    // Leap years before year y, and (477) before 1970.
    let leaps = (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
    let days = 365 * (y as i32 - 1970) + leaps as i32 - 477;
    Some(days + (BEFORE_MONTH[m] + (m > 1 && leap) as u32 + d - 1) as i32)
}

/// Splits a date into three numeric parts with one separator among '-', '/', '.'.
#[inline]
fn date_parts(s: &[u8]) -> Option<(u32, usize, u32, usize, u32, usize)> {
    let sep = *s.iter().find(|b| matches!(b, b'-' | b'/' | b'.'))?;
    let mut it = s.split(|&b| b == sep);
    let a = it.next()?;
    let b = it.next()?;
    let c = it.next()?;
    if it.next().is_some() {
        return None;
    }
    Some((digits_value(a)?, a.len(), digits_value(b)?, b.len(), digits_value(c)?, c.len()))
}

/// Parses a date in the given part order. Years have four digits; day and month one or two.
#[inline]
pub fn parse_date(s: &[u8], order: DateOrder) -> Option<i32> {
    if order == DateOrder::Ymd {
        if let Some(ymd) = ymd_digits(s) {
            return ymd;
        }
    }
    let (a, al, b, bl, c, cl) = date_parts(s)?;
    let (y, m, d) = match order {
        DateOrder::Ymd if al == 4 && bl <= 2 && cl <= 2 => (a, b, c),
        DateOrder::Dmy if cl == 4 && al <= 2 && bl <= 2 => (c, b, a),
        DateOrder::Mdy if cl == 4 && al <= 2 && bl <= 2 => (c, a, b),
        _ => return None,
    };
    days_from_civil(y as i32, m, d)
}

/// The common `YYYY-MM-DD` (or with '/' or '.') read in place, eight bytes at a time: the same
/// result as the general parser in [`parse_date`]. `None` when `s` has another shape (the general
/// parser decides), `Some(None)` for digits that are no valid date.
#[inline(always)]
fn ymd_digits(s: &[u8]) -> Option<Option<i32>> {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    const HIGH_NIBBLES: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    const SIXES: u64 = 0x0606_0606_0606_0606;
    let s: &[u8; 10] = s.try_into().ok()?;
    let sep = s[4];
    if s[7] != sep || !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    // All ten bytes with '0' for the separators: every byte must be 0x30..=0x39, i.e. its high
    // nibble is 3, and still 3 after adding 6 (no carry crosses bytes once the first holds).
    let word = u64::from_le_bytes(s[..8].try_into().expect("eight bytes"));
    let head = (word & !0xff00_00ff_0000_0000) | 0x3000_0030_0000_0000;
    let tail = u16::from_le_bytes([s[8], s[9]]) as u64;
    // `bytes` masks the bytes of `w` to test.
    let digits = |w: u64, bytes: u64| {
        let (zeros, high) = (ZEROS & bytes, HIGH_NIBBLES & bytes);
        w & high == zeros && w.wrapping_add(SIXES & bytes) & high == zeros
    };
    if !digits(head, u64::MAX) || !digits(tail, 0xffff) {
        return None;
    }
    let d = head - ZEROS;
    let byte = |i: u32| ((d >> (8 * i)) & 0xff) as u32;
    let y = byte(0) * 1000 + byte(1) * 100 + byte(2) * 10 + byte(3);
    let m = byte(5) * 10 + byte(6);
    let day = (s[8] - b'0') as u32 * 10 + (s[9] - b'0') as u32;
    Some(if y == 0 { days_from_civil(0, m, day) } else { days_from_civil_ad(y, m, day) })
}

/// Parses `DATE[T| ]HH:MM[:SS[.fraction]][Z|±HH[:]MM]` into microseconds since the epoch.
/// Returns the value and whether it carried an offset (then it is converted to UTC).
pub fn parse_timestamp(s: &[u8], order: DateOrder) -> Option<(i64, bool)> {
    let split = s.iter().position(|&b| b == b'T' || b == b' ')?;
    let days = parse_date(&s[..split], order)? as i64;
    let t = &s[split + 1..];
    if t.len() < 5 || t[2] != b':' {
        return None;
    }
    let hh = digits_value(&t[0..2])? as i64;
    let mm = digits_value(&t[3..5])? as i64;
    let mut i = 5;
    let mut ss = 0i64;
    let mut micros = 0i64;
    if i < t.len() && t[i] == b':' {
        ss = digits_value(t.get(i + 1..i + 3)?)? as i64;
        i += 3;
        if i < t.len() && (t[i] == b'.' || t[i] == b',') {
            i += 1;
            let fs = i;
            while i < t.len() && t[i].is_ascii_digit() {
                i += 1;
            }
            let frac = &t[fs..i];
            if frac.is_empty() || frac.len() > 9 {
                return None;
            }
            let mut v = 0i64;
            for k in 0..6 {
                v = v * 10 + frac.get(k).map(|b| (b - b'0') as i64).unwrap_or(0);
            }
            micros = v;
        }
    }
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let mut offset_secs = 0i64;
    let mut has_tz = false;
    let rest = &t[i..];
    match rest {
        [] => {}
        [b'Z'] => has_tz = true,
        [sign @ (b'+' | b'-'), tz @ ..] => {
            let (oh, om) = match tz.len() {
                2 => (digits_value(tz)?, 0),
                4 => (digits_value(&tz[0..2])?, digits_value(&tz[2..4])?),
                5 if tz[2] == b':' => (digits_value(&tz[0..2])?, digits_value(&tz[3..5])?),
                _ => return None,
            };
            offset_secs = (oh as i64 * 3600 + om as i64 * 60) * if *sign == b'-' { -1 } else { 1 };
            has_tz = true;
        }
        _ => return None,
    }
    let secs = days * 86_400 + hh * 3600 + mm * 60 + ss - offset_secs;
    Some((secs * 1_000_000 + micros, has_tz))
}

/// Everything learnt about one column from the sample.
#[derive(Debug, Clone, Default)]
pub struct ColumnEvidence {
    pub non_null: usize,
    pub bool_ok: usize,
    pub int_ok: usize,
    pub float_ok: usize,
    pub float_inexact: usize,
    pub decimal_ok: usize,
    pub max_int_digits: usize,
    pub max_frac_digits: usize,
    pub date_ok: [usize; 3],
    pub ts_ok: [usize; 3],
    pub ts_tz: usize,
    /// A value that proves one order, e.g. "25/03/2024" proves day-first.
    pub order_witness: [Option<String>; 3],
    pub leading_zero_codes: usize,
}

const ORDERS: [DateOrder; 3] = [DateOrder::Ymd, DateOrder::Dmy, DateOrder::Mdy];

impl ColumnEvidence {
    pub fn observe(&mut self, v: &[u8]) {
        self.non_null += 1;
        if parse_bool(v).is_some() {
            self.bool_ok += 1;
        }
        if parse_i64(v).is_some() {
            self.int_ok += 1;
        }
        if let Some((_, exact)) = parse_f64_exact(v) {
            self.float_ok += 1;
            if !exact {
                self.float_inexact += 1;
            }
        }
        if let Some(shape) = number_shape(v) {
            if !shape.exponent {
                self.decimal_ok += 1;
                self.max_int_digits = self.max_int_digits.max(shape.int_digits);
                self.max_frac_digits = self.max_frac_digits.max(shape.frac_digits);
            }
        } else if v.len() > 1 && v[0] == b'0' && v.iter().all(u8::is_ascii_digit) {
            self.leading_zero_codes += 1;
        }
        let mut tz_seen = false;
        for (k, &order) in ORDERS.iter().enumerate() {
            let date = parse_date(v, order).is_some();
            let ts = parse_timestamp(v, order);
            if date {
                self.date_ok[k] += 1;
            }
            if let Some((_, tz)) = ts {
                self.ts_ok[k] += 1;
                tz_seen |= tz;
            }
            if (date || ts.is_some()) && self.order_witness[k].is_none() {
                let other_ok = ORDERS
                    .iter()
                    .any(|&o| o != order && (parse_date(v, o).is_some() || parse_timestamp(v, o).is_some()));
                if !other_ok {
                    self.order_witness[k] = Some(String::from_utf8_lossy(v).into_owned());
                }
            }
        }
        if tz_seen {
            self.ts_tz += 1;
        }
    }
}

/// The inference result for one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inferred {
    pub column_type: ColumnType,
    /// Why this type, in a sentence, when it is not obvious (e.g. a witness for a date order).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Set when the values fit both day-first and month-first dates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ambiguous_dates: Option<AmbiguousDates>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmbiguousDates {
    pub timestamp: bool,
    pub example: String,
}

/// Picks a column's type from its evidence.
pub fn decide(ev: &ColumnEvidence, sample_example: Option<&str>) -> Inferred {
    let n = ev.non_null;
    let plain = |t| Inferred { column_type: t, note: None, ambiguous_dates: None };
    if n == 0 {
        return Inferred {
            column_type: ColumnType::String,
            note: Some("no values in the sample, kept as text".into()),
            ambiguous_dates: None,
        };
    }
    if ev.bool_ok == n {
        return plain(ColumnType::Boolean);
    }
    if ev.int_ok == n {
        return plain(ColumnType::Int64);
    }
    if ev.float_ok == n && ev.float_inexact == 0 {
        return plain(ColumnType::Float64);
    }
    if ev.decimal_ok == n && ev.max_int_digits + ev.max_frac_digits <= 38 {
        let scale = ev.max_frac_digits as i8;
        let precision = (ev.max_int_digits + ev.max_frac_digits).clamp(1, 38) as u8;
        let why = if ev.int_ok + ev.float_inexact > 0 && ev.max_frac_digits == 0 {
            "integers beyond the int64 range, kept exact as decimal"
        } else {
            "float64 would lose digits of some values, kept exact as decimal"
        };
        return Inferred {
            column_type: ColumnType::Decimal { precision, scale },
            note: Some(why.into()),
            ambiguous_dates: None,
        };
    }
    for (kind_ts, counts) in [(false, ev.date_ok), (true, ev.ts_ok)] {
        let fits: Vec<usize> = (0..3).filter(|&k| counts[k] == n).collect();
        if fits.is_empty() {
            continue;
        }
        let make = |order: DateOrder| {
            if kind_ts {
                ColumnType::Timestamp { order, utc: ev.ts_tz > 0 }
            } else {
                ColumnType::Date { order }
            }
        };
        if kind_ts && ev.ts_tz > 0 && ev.ts_tz < n {
            return Inferred {
                column_type: ColumnType::String,
                note: Some("timestamps with and without a time zone are mixed, kept as text".into()),
                ambiguous_dates: None,
            };
        }
        if fits.len() == 1 {
            let order = ORDERS[fits[0]];
            let note = if order == DateOrder::Ymd {
                None
            } else {
                ev.order_witness[fits[0]]
                    .as_ref()
                    .map(|w| format!("read as {} because \"{w}\" fits no other order", order.label()))
            };
            return Inferred { column_type: make(order), note, ambiguous_dates: None };
        }
        // Both d/m/y and m/d/y fit every value: ask, never guess.
        return Inferred {
            column_type: ColumnType::String,
            note: Some("dates fit both day/month/year and month/day/year; choose one".into()),
            ambiguous_dates: Some(AmbiguousDates {
                timestamp: kind_ts,
                example: sample_example.unwrap_or_default().to_string(),
            }),
        };
    }
    let note = (ev.leading_zero_codes > 0).then(|| "codes with leading zeros, kept as text".to_string());
    Inferred { column_type: ColumnType::String, note, ambiguous_dates: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The short-decimal fast path gives bit for bit what the full parser gives, and declines
    /// (so the full parser decides) on everything else.
    #[test]
    fn short_decimal_fast_path_matches_the_full_parser() {
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "0.0",
            "-0.0",
            ".5",
            "-.5",
            "5.",
            "-5.",
            ".",
            "-",
            "",
            "007",
            "00.5",
            "0.25",
            "1.1",
            "+1.5",
            "1e5",
            "1.5E-3",
            "nan",
            "NaN",
            "inf",
            "-inf",
            "1..2",
            "1.2.3",
            "12a",
            "999999999999999",
            "9999999999999999",
            "0.000000000000001",
            "123456789.012345",
            "1234567890.12345",
            "-1234567.125",
            "0.1",
            "0.3",
            "2.675",
            "1.005",
            "9007199254740993",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Pseudo-random decimals of every length and scale (a fixed LCG: reproducible).
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..200_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let digits = 1 + (x >> 60) as usize; // 1..16
            let mut s = String::new();
            if x & 1 == 1 {
                s.push('-');
            }
            let point = ((x >> 8) % (digits as u64 + 2)) as usize;
            let mut y = x >> 12;
            for i in 0..digits {
                if i == point {
                    s.push('.');
                }
                s.push(char::from(b'0' + (y % 10) as u8));
                y = (y / 10) ^ (x >> 20);
            }
            texts.push(s);
        }
        for t in &texts {
            let fast = parse_short_decimal(t.as_bytes());
            let full = parse_f64_exact_slow(t.as_bytes());
            if let Some(v) = fast {
                let (w, exact) = full.unwrap_or_else(|| panic!("{t}: fast {v}, full parser refuses"));
                assert_eq!(v.to_bits(), w.to_bits(), "{t}");
                assert!(exact, "{t}");
            }
            let a = parse_f64_exact(t.as_bytes()).map(|(v, e)| (v.to_bits(), e));
            let b = full.map(|(v, e)| (v.to_bits(), e));
            assert_eq!(a, b, "{t}");
        }
        assert!(parse_short_decimal(b"19.68").is_some() && parse_short_decimal(b"-0.5").is_some());
    }

    #[test]
    fn days_from_civil_ad_is_days_from_civil() {
        for y in 1..=9999u32 {
            for m in 0..=13 {
                for d in 0..=32 {
                    assert_eq!(days_from_civil_ad(y, m, d), days_from_civil(y as i32, m, d), "{y}-{m}-{d}");
                }
            }
        }
    }

    /// `YYYY-MM-DD` read in place gives what splitting on the separator gives.
    #[test]
    fn ymd_date_fast_path_matches_the_general_parser() {
        let general = |s: &[u8]| -> Option<i32> {
            let (a, al, b, bl, c, cl) = date_parts(s)?;
            (al == 4 && bl <= 2 && cl <= 2).then_some(()).and_then(|_| days_from_civil(a as i32, b, c))
        };
        let mut texts = vec![
            "2024-02-29",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "2024-01-32",
            "0000-01-01",
            "9999-12-31",
            "2024/01/02",
            "2024.01.02",
            "2024-01/02",
            "2024-1-02",
            "2024-01-2",
            "2024-0a-02",
            "20240-1-02",
            "2024--1-02",
            "1970-01-01",
            "1969-12-31",
        ];
        let mut all = Vec::new();
        for y in [0, 1, 2, 3, 4, 99, 100, 101, 399, 400, 401, 1600, 1900, 1969, 1970, 1971, 2000, 2024, 2100, 9999] {
            for m in 0..=13 {
                for d in 0..=32 {
                    for sep in ['-', '/', '.'] {
                        all.push(format!("{y:04}{sep}{m:02}{sep}{d:02}"));
                    }
                }
            }
        }
        texts.extend(all.iter().map(String::as_str));
        for t in texts {
            assert_eq!(parse_date(t.as_bytes(), DateOrder::Ymd), general(t.as_bytes()), "{t}");
        }
        // Every byte at every position, around the bytes the eight-at-a-time digit test must
        // refuse ('/', ':', bytes whose high nibble is 3 or that carry when 6 is added).
        for base in [&b"2024-01-02"[..], b"1999/12/31", b"0000.02.29"] {
            for i in 0..base.len() {
                for b in 0..=255u8 {
                    let mut t = base.to_vec();
                    t[i] = b;
                    assert_eq!(parse_date(&t, DateOrder::Ymd), general(&t), "{:?}", String::from_utf8_lossy(&t));
                }
            }
        }
    }

    fn infer(values: &[&str]) -> Inferred {
        let mut ev = ColumnEvidence::default();
        for v in values {
            ev.observe(v.as_bytes());
        }
        decide(&ev, values.first().copied())
    }

    #[test]
    fn integers_and_codes() {
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b"007"), None);
        assert_eq!(parse_i64(b"-0"), None);
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(infer(&["1", "2", "-3"]).column_type, ColumnType::Int64);
        let codes = infer(&["007", "012", "100"]);
        assert_eq!(codes.column_type, ColumnType::String);
        assert!(codes.note.unwrap().contains("leading zeros"));
    }

    #[test]
    fn floats_exact_or_decimal() {
        assert_eq!(infer(&["1.5", "2", "1e3"]).column_type, ColumnType::Float64);
        assert_eq!(infer(&["0.30000000000000004", "1"]).column_type, ColumnType::Float64);
        let d = infer(&["12345678901234567890.12", "1.5"]);
        assert_eq!(d.column_type, ColumnType::Decimal { precision: 22, scale: 2 });
        assert_eq!(parse_decimal(b"-1.5", 22, 2), Some(-150));
        assert_eq!(parse_decimal(b"1.555", 22, 2), None);
        let big = infer(&["99999999999999999999", "1"]);
        assert_eq!(big.column_type, ColumnType::Decimal { precision: 20, scale: 0 });
    }

    #[test]
    fn dates_and_ambiguity() {
        assert_eq!(parse_date(b"1970-01-01", DateOrder::Ymd), Some(0));
        assert_eq!(parse_date(b"2024-02-29", DateOrder::Ymd), Some(19782));
        assert_eq!(parse_date(b"2023-02-29", DateOrder::Ymd), None);
        assert_eq!(infer(&["2024-01-05", "2024-12-31"]).column_type, ColumnType::Date { order: DateOrder::Ymd });
        let amb = infer(&["01/02/2024", "03/04/2024"]);
        assert_eq!(amb.column_type, ColumnType::String);
        assert!(amb.ambiguous_dates.is_some());
        let dmy = infer(&["01/02/2024", "25/04/2024"]);
        assert_eq!(dmy.column_type, ColumnType::Date { order: DateOrder::Dmy });
        assert!(dmy.note.unwrap().contains("25/04/2024"));
    }

    #[test]
    fn timestamps() {
        let (v, tz) = parse_timestamp(b"1970-01-01T00:00:01.5Z", DateOrder::Ymd).unwrap();
        assert_eq!((v, tz), (1_500_000, true));
        let (v, _) = parse_timestamp(b"1970-01-01 02:00:00+02:00", DateOrder::Ymd).unwrap();
        assert_eq!(v, 0);
        assert_eq!(
            infer(&["2024-01-05 10:00:00", "2024-01-06T11:30"]).column_type,
            ColumnType::Timestamp { order: DateOrder::Ymd, utc: false }
        );
        assert_eq!(
            infer(&["2024-01-05T10:00:00Z", "2024-01-06T11:30:00+01:00"]).column_type,
            ColumnType::Timestamp { order: DateOrder::Ymd, utc: true }
        );
    }

    #[test]
    fn booleans_and_empty() {
        assert_eq!(infer(&["true", "False"]).column_type, ColumnType::Boolean);
        assert_eq!(infer(&[]).column_type, ColumnType::String);
    }
}
