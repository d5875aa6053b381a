//! Streaming CSV/TSV loader: bytes → (decode) → csv-core records → typed Arrow builders.
//!
//! The first megabyte is buffered to sniff the dialect; the first rows are buffered to infer
//! types; after that every record goes straight into typed column builders, so memory holds the
//! typed table and not the text. Rows that cannot be loaded are set aside with their line number.

mod block;
mod columns;

use std::sync::Arc;

use arrow_array::types::{Date32Type, Decimal128Type, Float64Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema, SchemaRef};
use csv_core::{ReadRecordResult, Reader, ReaderBuilder, Terminator};

use self::block::{split_simple_quoted_line, LineBlock, BLOCK_ROWS};
use self::columns::{Text, Values};
use super::infer::{self, Cell, ColumnEvidence, ColumnType, DateOrder};
use super::sniff::{self, Dialect, Escape, TextEncoding};
use super::{
    BatchSink, ColumnReport, IngestOptions, IssueKind, LoadIssue, LoadReport, Loaded, Pass, RaggedPolicy, SourceFormat,
    SourceHasher, TypeErrorPolicy,
};
use crate::core::error::{CoreError, Result};

/// Bytes buffered before the dialect is sniffed.
pub const SNIFF_BYTES: usize = 1 << 20;
/// Sample cells (rows × columns) kept for type inference.
const SAMPLE_CELLS: usize = 400_000;

/// Turns the file's bytes into UTF-8, checking validity and keeping characters cut by chunking.
enum TextDecoder {
    Utf8 { carry: Vec<u8>, skip_bom: usize },
    Other(Box<encoding_rs::Decoder>, Vec<u8>),
}

/// The push-based CSV loader.
pub struct CsvLoader {
    name: String,
    options: IngestOptions,
    hasher: SourceHasher,
    head: Vec<u8>,
    stream: Option<Box<Stream>>,
    /// Whether the fast path for lines without quotes may run (tests compare it with csv-core).
    fast_lines: bool,
    /// Whether the fast path may load its lines column by column (tests compare it with the
    /// row-by-row path).
    column_blocks: bool,
}

struct Stream {
    dialect: Dialect,
    decoder: TextDecoder,
    /// Bytes of source consumed by the decoder so far (for byte offsets in messages).
    decoded_bytes: u64,
    parser: RecordParser,
    table: TableState,
}

/// csv-core plus its output buffers; hands out whole records.
struct RecordParser {
    rdr: Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    nout: usize,
    nend: usize,
    /// Non-zero while a record is in progress (detects a final record without newline).
    pending: usize,
    delimiter: u8,
    quote: u8,
    escape: Option<u8>,
    /// The raw text of a record cut by the end of a chunk (to tell `""` from an empty field).
    raw_carry: Vec<u8>,
    /// Per field of the current record: was it an empty field written as `""`?
    quoted_empty: Vec<bool>,
    /// Whether whole lines without a quote may be split here instead of by csv-core (see
    /// [`RecordParser::quote_free_lines`]); off for dialects where that could differ.
    fast_lines: bool,
    /// Set once csv-core has read input (it strips a UTF-8 BOM only from its first read, so
    /// that read must be its own).
    csv_core_read: bool,
    /// Field ends of a line split by the fast path (delimiter positions, then the line's end).
    line_ends: Vec<usize>,
    /// Whether the fast path may gather lines into `block` (see [`block`]).
    column_blocks: bool,
    /// Lines split by the fast path and not yet loaded (empty between calls).
    block: LineBlock,
    /// Field bounds of a line with quotes split by the fast path.
    quoted_fields: Vec<(usize, usize)>,
}

impl RecordParser {
    fn new(d: &Dialect) -> Self {
        let mut b = ReaderBuilder::new();
        b.delimiter(d.delimiter).quote(d.quote).terminator(Terminator::CRLF);
        if d.escape == Escape::Backslash {
            b.double_quote(false).escape(Some(b'\\'));
        }
        Self {
            rdr: b.build(),
            out: vec![0; 1 << 16],
            ends: vec![0; 64],
            nout: 0,
            nend: 0,
            pending: 0,
            delimiter: d.delimiter,
            quote: d.quote,
            escape: (d.escape == Escape::Backslash).then_some(b'\\'),
            raw_carry: Vec::new(),
            quoted_empty: Vec::new(),
            fast_lines: !matches!(d.delimiter, b'\n' | b'\r')
                && !matches!(d.quote, b'\n' | b'\r')
                && d.delimiter != d.quote,
            csv_core_read: false,
            line_ends: Vec::with_capacity(64),
            column_blocks: true,
            block: LineBlock::default(),
            quoted_fields: Vec::new(),
        }
    }

    /// Feeds `input`; calls `on_record(fields_buffer, ends, end_line)` per complete record.
    fn feed(&mut self, input: &[u8], table: &mut TableState) -> Result<()> {
        let whole = input;
        let mut input = input;
        // Where the current record's raw text starts in `whole`.
        let mut record_start = 0;
        loop {
            // Between records, lines without a quote are split here; csv-core reads from the
            // first line that has one (or is cut by the end of the input) to the end of its record.
            if self.fast_lines
                && self.csv_core_read
                && self.pending == 0
                && self.nout == 0
                && self.nend == 0
                && self.raw_carry.is_empty()
                && !input.is_empty()
            {
                let n = self.quote_free_lines(input, table)?;
                input = &input[n..];
                record_start += n;
            }
            let (res, nin, nout, nend) =
                self.rdr.read_record(input, &mut self.out[self.nout..], &mut self.ends[self.nend..]);
            self.csv_core_read |= !input.is_empty();
            let ended_with_newline = nin > 0 && input[nin - 1] == b'\n';
            let consumed = &input[..nin];
            input = &input[nin..];
            self.nout += nout;
            self.nend += nend;
            // A record is in progress once it has output, or consumed more than line breaks
            // (an open quote outputs nothing yet).
            if self.nout > 0 || self.nend > 0 || consumed.iter().any(|&b| b != b'\n' && b != b'\r') {
                self.pending += 1;
            }
            match res {
                ReadRecordResult::InputEmpty | ReadRecordResult::End => {
                    if self.pending > 0 {
                        self.raw_carry.extend_from_slice(&whole[record_start..]);
                    }
                    return Ok(());
                }
                ReadRecordResult::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                ReadRecordResult::Record => {
                    let end_line = self.rdr.line() - ended_with_newline as u64;
                    let record_end = whole.len() - input.len();
                    let (out, ends) = (&self.out[..self.nout], &self.ends[..self.nend]);
                    // csv-core outputs `""` and an empty field alike; only the raw text tells
                    // them apart, and it is only read when the record has an empty field.
                    let quoted_empty = if has_empty_field(ends) {
                        let raw = if self.raw_carry.is_empty() {
                            &whole[record_start..record_end]
                        } else {
                            self.raw_carry.extend_from_slice(&whole[record_start..record_end]);
                            &self.raw_carry[..]
                        };
                        mark_quoted_empty(raw, ends, self.delimiter, self.quote, self.escape, &mut self.quoted_empty);
                        Some(&self.quoted_empty[..])
                    } else {
                        None
                    };
                    table.record(Fields { buf: out, ends, gap: 0 }, quoted_empty, end_line, self.delimiter)?;
                    self.raw_carry.clear();
                    record_start = record_end;
                    self.nout = 0;
                    self.nend = 0;
                    self.pending = 0;
                }
            }
        }
    }

    /// The fast path: splits the complete lines at the start of `input` that have no quote byte
    /// and no carriage return other than one just before the line feed, and hands each to
    /// `table` as csv-core would (a blank line is skipped but counted); returns the bytes used.
    /// Stops at the first other line, which csv-core then reads. Called only between records, so
    /// csv-core's state (the start of a record) is the same before and after these lines; its
    /// line count is advanced by the lines read here.
    ///
    /// While `table` takes blocks ([`TableState::block_rows`]), lines of the table's width are
    /// gathered and loaded column by column; any other line first loads the block before it. A
    /// line with simple quoted fields ([`split_simple_quoted_line`]) joins the block too, and
    /// ends the fast path when it cannot (csv-core reads it).
    fn quote_free_lines(&mut self, input: &[u8], table: &mut TableState) -> Result<usize> {
        let mut pos = 0;
        let mut line = self.rdr.line();
        let mut block_rows = self.block_rows(table);
        loop {
            let rest = &input[pos..];
            let (nl, quoted) = match split_line(rest, self.delimiter, self.quote, &mut self.line_ends) {
                Some(nl) => (nl, false),
                None if block_rows > 0 => {
                    match split_simple_quoted_line(
                        rest,
                        self.delimiter,
                        self.quote,
                        self.escape,
                        &mut self.quoted_fields,
                    ) {
                        Some(nl) if self.quoted_fields.len() == table.types.len() => (nl, true),
                        _ => break,
                    }
                }
                None => break,
            };
            let start = pos;
            let body = &input[pos..pos + nl];
            let body = body.strip_suffix(b"\r").unwrap_or(body);
            pos += nl + 1;
            line += 1;
            self.rdr.set_line(line);
            if quoted {
                self.block.push_fields(start, &self.quoted_fields, line - 1);
            } else if body.is_empty() {
                continue;
            } else {
                self.line_ends.push(body.len());
                if block_rows == 0 || self.line_ends.len() != table.types.len() {
                    self.load_block(input, table)?;
                    table.record(
                        Fields { buf: body, ends: &self.line_ends, gap: 1 },
                        None,
                        line - 1,
                        self.delimiter,
                    )?;
                    block_rows = self.block_rows(table);
                    continue;
                }
                self.block.push_split(start, &self.line_ends, line - 1);
            }
            if self.block.rows() >= block_rows {
                self.load_block(input, table)?;
                block_rows = self.block_rows(table);
            }
        }
        self.load_block(input, table)?;
        Ok(pos)
    }

    /// The rows the next block may hold (0: load row by row), for an empty block.
    fn block_rows(&mut self, table: &TableState) -> usize {
        let rows = if self.column_blocks { table.block_rows() } else { 0 };
        self.block.clear(table.types.len());
        rows
    }

    /// Loads the gathered lines of `input` (if any) and empties the block.
    fn load_block(&mut self, input: &[u8], table: &mut TableState) -> Result<()> {
        if self.block.rows() > 0 {
            table.load_block(&self.block, input)?;
            self.block.clear(table.types.len());
        }
        Ok(())
    }

    /// At end of input: reports an unterminated quote, else flushes the last record.
    fn finish(&mut self, table: &mut TableState) -> Result<()> {
        if self.pending > 0 {
            // A final record without a newline: give it one. Outside quotes that ends the record;
            // inside an unterminated quote the newline is swallowed and the record stays open.
            self.feed(b"\n", table)?;
            if self.pending > 0 {
                let newlines = self.out[..self.nout].iter().filter(|&&b| b == b'\n').count() as u64;
                return Err(CoreError::UnterminatedQuote { line: self.rdr.line() - newlines });
            }
        }
        self.feed(&[], table)
    }
}

/// One record's fields in a buffer: field `i` is `buf[start..ends[i]]`, where the first field
/// starts at 0 and each next one `gap` bytes after the previous end: 0 for csv-core's output
/// (fields back to back), 1 for a raw line (a delimiter between fields).
#[derive(Clone, Copy)]
struct Fields<'a> {
    buf: &'a [u8],
    ends: &'a [usize],
    gap: usize,
}

impl<'a> Fields<'a> {
    #[inline]
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// Field `i` (`i < len()`).
    #[inline(always)]
    fn get(&self, i: usize) -> &'a [u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] + self.gap };
        &self.buf[start..self.ends[i]]
    }

    /// The line breaks inside the fields (only a quoted field can hold one).
    fn newlines(&self) -> u64 {
        if self.gap == 1 {
            return 0;
        }
        self.buf.iter().filter(|&&b| b == b'\n').count() as u64
    }
}

const LO7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The high bit of every byte of `w` equal to `b` (`rep` is `b` in all eight bytes); exact, with
/// no false positives from borrows.
#[inline(always)]
fn byte_eq_mask(w: u64, rep: u64) -> u64 {
    let x = w ^ rep;
    !(((x & LO7).wrapping_add(LO7)) | x | LO7)
}

/// The high bit of every byte of `w` equal to `b` (`rep` is `b` in all eight bytes), and maybe
/// of a byte `b ^ 1` just above one: the classic zero-byte test, two operations fewer than
/// [`byte_eq_mask`]. Its lowest bit is exact, and every byte equal to `b` is marked, so "is there
/// such a byte before the first line feed" is answered exactly; only a count can be too high.
#[inline(always)]
fn byte_eq_mask_low(w: u64, rep: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let x = w ^ rep;
    x.wrapping_sub(ONES) & !x & !LO7
}

/// Finds the end of the first line of `s` when the line can be split on delimiters alone: it
/// ends with a line feed, and has no quote byte and no carriage return except one just before
/// the line feed. Returns the line feed's index, with the delimiters' positions in `ends`
/// (cleared first); `None` for any other line. Reads eight bytes at a time.
#[inline]
fn split_line(s: &[u8], delimiter: u8, quote: u8, ends: &mut Vec<usize>) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let (d, q) = (ONES * delimiter as u64, ONES * quote as u64);
    let (lf, cr) = (ONES * b'\n' as u64, ONES * b'\r' as u64);
    ends.clear();
    let mut i = 0;
    while i + 8 <= s.len() {
        let w = u64::from_le_bytes(s[i..i + 8].try_into().expect("eight bytes"));
        // Only the first line feed, and whether a quote or carriage return comes before it,
        // matter: the cheaper test is exact for both. (Delimiters need the exact one.)
        let nl = byte_eq_mask_low(w, lf);
        // Bits of the bytes before the line feed (all of them without one).
        let before = if nl == 0 { u64::MAX } else { (nl & nl.wrapping_neg()) - 1 };
        let quotes = byte_eq_mask_low(w, q) & before;
        let crs = byte_eq_mask_low(w, cr) & before;
        if quotes != 0 {
            return None;
        }
        if crs != 0 {
            // Allowed only as the byte just before the line feed (a second mark, true or not,
            // refuses the line: csv-core reads it).
            let at = i + (crs.trailing_zeros() / 8) as usize;
            if crs & (crs - 1) != 0 || s.get(at + 1) != Some(&b'\n') {
                return None;
            }
        }
        let mut delims = byte_eq_mask(w, d) & before;
        while delims != 0 {
            ends.push(i + (delims.trailing_zeros() / 8) as usize);
            delims &= delims - 1;
        }
        if nl != 0 {
            return Some(i + (nl.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    while i < s.len() {
        let b = s[i];
        if b == b'\n' {
            return Some(i);
        }
        if b == quote || (b == b'\r' && s.get(i + 1) != Some(&b'\n')) {
            return None;
        }
        if b == delimiter {
            ends.push(i);
        }
        i += 1;
    }
    None
}

/// Whether a record (given its field ends) has an empty field.
#[inline]
fn has_empty_field(ends: &[usize]) -> bool {
    ends.first() == Some(&0) || ends.windows(2).any(|w| w[0] == w[1])
}

/// Marks, per field, whether it is an empty field written as a quoted empty string (`""`), by
/// splitting the record's raw text on delimiters outside quotes. A field counts as quoted when its
/// raw text starts with the quote character; an empty output with a quoted raw field is `""`.
fn mark_quoted_empty(raw: &[u8], ends: &[usize], delimiter: u8, quote: u8, escape: Option<u8>, marks: &mut Vec<bool>) {
    marks.clear();
    marks.resize(ends.len(), false);
    // Most records with an empty field have no quote at all (a fast memchr).
    if !raw.contains(&quote) {
        return;
    }
    // Blank lines csv-core skipped before the record are part of the raw text.
    let mut i = raw.iter().position(|&b| b != b'\n' && b != b'\r').unwrap_or(raw.len());
    let mut field = 0;
    let mut field_start = true;
    let mut in_quotes = false;
    while i < raw.len() && field < ends.len() {
        let b = raw[i];
        if in_quotes {
            if Some(b) == escape {
                i += 1;
            } else if b == quote {
                in_quotes = false;
            }
        } else if b == delimiter {
            field += 1;
            field_start = true;
            i += 1;
            continue;
        } else if b == quote {
            if field_start {
                let empty = field == 0 && ends[0] == 0 || field > 0 && ends[field] == ends[field - 1];
                marks[field] = empty;
            }
            in_quotes = true;
        } else if b == b'\n' || b == b'\r' {
            break;
        }
        field_start = false;
        i += 1;
    }
}

/// A row kept for type inference: its start line, its fields, and which fields are a quoted
/// empty string (when it has an empty field).
type SampledRow = (u64, Vec<Vec<u8>>, Option<Vec<bool>>);

/// Column builders of one type each (see [`columns`]).
enum ColumnBuilder {
    Bool(Values<bool>),
    I64(Values<i64>),
    F64(Values<f64>),
    /// With the column's precision and scale.
    Dec(Values<i128>, u8, i8),
    Date(Values<i32>, DateOrder),
    /// With the date order and whether values carry an offset.
    Ts(Values<i64>, DateOrder, bool),
    Str(Text),
}

impl ColumnBuilder {
    fn new(t: ColumnType, capacity: usize) -> Self {
        match t {
            ColumnType::Boolean => ColumnBuilder::Bool(Values::with_capacity(capacity)),
            ColumnType::Int64 => ColumnBuilder::I64(Values::with_capacity(capacity)),
            ColumnType::Float64 => ColumnBuilder::F64(Values::with_capacity(capacity)),
            ColumnType::Decimal { precision, scale } => {
                ColumnBuilder::Dec(Values::with_capacity(capacity), precision, scale)
            }
            ColumnType::Date { order } => ColumnBuilder::Date(Values::with_capacity(capacity), order),
            ColumnType::Timestamp { order, utc } => ColumnBuilder::Ts(Values::with_capacity(capacity), order, utc),
            ColumnType::String => ColumnBuilder::Str(Text::with_capacity(capacity, capacity * 8)),
        }
    }

    fn append_null(&mut self) {
        match self {
            ColumnBuilder::Bool(b) => b.append_null(),
            ColumnBuilder::I64(b) => b.append_null(),
            ColumnBuilder::F64(b) => b.append_null(),
            ColumnBuilder::Dec(b, ..) => b.append_null(),
            ColumnBuilder::Date(b, _) => b.append_null(),
            ColumnBuilder::Ts(b, ..) => b.append_null(),
            ColumnBuilder::Str(b) => b.append_null(),
        }
    }

    /// Appends `values` parsed as the column's type, a null token as null: the one loop for
    /// a block of the column (see [`block`]) and for a single value of a row. A value that does
    /// not fit is appended as null, and `false` returned. The type is matched once per call,
    /// so a block's values go through a loop specialised to it.
    #[inline(always)]
    fn append_values<'v>(
        &mut self,
        values: impl Iterator<Item = &'v [u8]>,
        nulls: &NullTokens,
        nan_is_null: bool,
    ) -> bool {
        match self {
            // SAFETY: as in `commit`, every field is valid UTF-8.
            ColumnBuilder::Str(b) => {
                append_all(b, values, nulls, |v| Some(Some(unsafe { std::str::from_utf8_unchecked(v) })))
            }
            ColumnBuilder::I64(b) => append_all(b, values, nulls, |v| infer::parse_i64(v).map(Some)),
            ColumnBuilder::F64(b) => append_all(b, values, nulls, |v| load_f64(v, nan_is_null)),
            ColumnBuilder::Bool(b) => append_all(b, values, nulls, |v| infer::parse_bool(v).map(Some)),
            ColumnBuilder::Dec(b, precision, scale) => {
                let (precision, scale) = (*precision, *scale);
                append_all(b, values, nulls, |v| infer::parse_decimal(v, precision, scale).map(Some))
            }
            ColumnBuilder::Date(b, order) => {
                let order = *order;
                append_all(b, values, nulls, |v| infer::parse_date(v, order).map(Some))
            }
            ColumnBuilder::Ts(b, order, utc) => {
                let (order, utc) = (*order, *utc);
                append_all(b, values, nulls, |v| load_timestamp(v, order, utc).map(Some))
            }
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Bool(b) => Arc::new(b.finish_bool()),
            ColumnBuilder::I64(b) => Arc::new(b.finish::<Int64Type>()),
            ColumnBuilder::F64(b) => Arc::new(b.finish::<Float64Type>()),
            ColumnBuilder::Dec(b, precision, scale) => Arc::new(
                b.finish::<Decimal128Type>()
                    .with_precision_and_scale(*precision, *scale)
                    .expect("inferred precision and scale are valid"),
            ),
            ColumnBuilder::Date(b, _) => Arc::new(b.finish::<Date32Type>()),
            ColumnBuilder::Ts(b, _, utc) => {
                Arc::new(b.finish::<TimestampMicrosecondType>().with_timezone_opt(utc.then_some("UTC")))
            }
            ColumnBuilder::Str(b) => Arc::new(b.finish()),
        }
    }
}

/// What a non-null value loads as: `Some(Some(x))` the value, `Some(None)` a null (NaN where NaN
/// means null), `None` a value that breaks the column's type.
type Loads<T> = Option<Option<T>>;

/// A typed column that takes a value or a null, so [`append_all`] serves every column type.
trait AppendOption<T> {
    fn append_option(&mut self, v: Option<T>);
}

/// Appends each value as `load` reads it (a null token as null); `false` when some value broke
/// the type (it is appended as null).
#[inline(always)]
fn append_all<'v, T>(
    b: &mut impl AppendOption<T>,
    values: impl Iterator<Item = &'v [u8]>,
    nulls: &NullTokens,
    load: impl Fn(&'v [u8]) -> Loads<T>,
) -> bool {
    let mut fits = true;
    for v in values {
        let loaded = if nulls.is_null(v) { Some(None) } else { load(v) };
        fits &= loaded.is_some();
        b.append_option(loaded.flatten());
    }
    fits
}

/// A float column's value: exact in float64, else it breaks the type.
#[inline(always)]
fn load_f64(v: &[u8], nan_is_null: bool) -> Loads<f64> {
    match infer::parse_f64_exact(v)? {
        (f, true) => Some((!(f.is_nan() && nan_is_null)).then_some(f)),
        _ => None,
    }
}

/// A timestamp column's value: with an offset exactly when the column has one.
#[inline(always)]
fn load_timestamp(v: &[u8], order: DateOrder, utc: bool) -> Option<i64> {
    let (ts, tz) = infer::parse_timestamp(v, order)?;
    (tz == utc).then_some(ts)
}

/// The values that mean null (`IngestOptions::null_tokens`).
struct NullTokens {
    tokens: Vec<Vec<u8>>,
    /// The tokens of at most 8 bytes, as (length, bytes in a word): compared without a call.
    short: Vec<(usize, u64)>,
    /// Bit n set when some token has length n (n < 64): most values skip the comparisons.
    lengths: u64,
    empty_is_null: bool,
}

/// Up to 8 bytes in a little-endian word, zero-padded.
#[inline(always)]
fn short_word(v: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w[..v.len()].copy_from_slice(v);
    u64::from_le_bytes(w)
}

impl NullTokens {
    fn new(tokens: &[String]) -> Self {
        let empty_is_null = tokens.iter().any(String::is_empty);
        let tokens: Vec<Vec<u8>> = tokens.iter().filter(|t| !t.is_empty()).map(|t| t.as_bytes().to_vec()).collect();
        let lengths = tokens.iter().filter(|t| t.len() < 64).fold(0u64, |m, t| m | (1 << t.len()));
        let long_tokens = tokens.iter().any(|t| t.len() >= 64);
        let short = tokens.iter().filter(|t| t.len() <= 8).map(|t| (t.len(), short_word(t))).collect();
        NullTokens { lengths: if long_tokens { u64::MAX } else { lengths }, tokens, short, empty_is_null }
    }

    #[inline(always)]
    fn is_null(&self, v: &[u8]) -> bool {
        if v.is_empty() {
            return self.empty_is_null;
        }
        if v.len() < 64 && self.lengths & (1 << v.len()) == 0 {
            return false;
        }
        if v.len() <= 8 {
            let w = short_word(v);
            return self.short.iter().any(|&(n, t)| n == v.len() && t == w);
        }
        self.tokens.iter().any(|t| t.as_slice() == v)
    }
}

/// Header, sample, typed builders and the report: everything downstream of the record parser.
struct TableState {
    options: IngestOptions,
    names: Option<Vec<String>>,
    header_pending: bool,
    sample: Vec<SampledRow>,
    sample_limit: usize,
    types: Vec<ColumnType>,
    builders: Vec<ColumnBuilder>,
    cells: Vec<Cell>,
    rows_in_batch: usize,
    batches: BatchSink,
    schema: Option<SchemaRef>,
    report: LoadReport,
    /// Columns whose inferred type broke under the fall-back policy (the pass will re-run).
    demoted: Vec<bool>,
    nulls: NullTokens,
    /// The line the last record (header included) ended on: in a single-column table a blank
    /// line is a row whose one value is empty, and the gap to the next record counts them.
    last_line: u64,
}

impl TableState {
    fn new(options: IngestOptions, has_header: bool) -> Self {
        let batches = BatchSink::new(&options);
        Self {
            nulls: NullTokens::new(&options.null_tokens),
            sample_limit: options.sample_rows.max(1),
            options,
            names: None,
            header_pending: has_header,
            sample: Vec::new(),
            types: Vec::new(),
            builders: Vec::new(),
            cells: Vec::new(),
            rows_in_batch: 0,
            batches,
            schema: None,
            report: LoadReport::new(SourceFormat::Csv),
            demoted: Vec::new(),
            last_line: 0,
        }
    }

    fn record(&mut self, fields: Fields, quoted_empty: Option<&[bool]>, end_line: u64, delimiter: u8) -> Result<()> {
        // csv-core skips blank lines. In a single-column table a blank line is how a writer
        // (ours, DuckDB's, pandas') writes a row whose one value is null, so each blank line
        // between two records is such a row; with two or more columns it is not data.
        if self.names.as_ref().is_some_and(|n| n.len() == 1) {
            let start_line = end_line - fields.newlines();
            self.blank_rows(start_line, delimiter)?;
        }
        self.last_line = end_line;
        self.header_pending_or_row(fields, quoted_empty, end_line, delimiter)
    }

    /// One empty row per blank line after the last record and before `next_line` (single-column
    /// tables only; see [`TableState::record`]).
    fn blank_rows(&mut self, next_line: u64, delimiter: u8) -> Result<()> {
        for line in self.last_line + 1..next_line {
            self.last_line = line;
            self.header_pending_or_row(Fields { buf: &[], ends: &[0], gap: 0 }, None, line, delimiter)?;
        }
        Ok(())
    }

    fn header_pending_or_row(
        &mut self,
        fields: Fields,
        quoted_empty: Option<&[bool]>,
        end_line: u64,
        delimiter: u8,
    ) -> Result<()> {
        if self.header_pending {
            self.header_pending = false;
            let names = (0..fields.len()).map(|i| String::from_utf8_lossy(fields.get(i)).trim().to_string()).collect();
            self.names = Some(unique_names(names));
            return Ok(());
        }
        if self.schema.is_none() {
            let newlines = fields.newlines();
            let values = (0..fields.len()).map(|i| fields.get(i).to_vec()).collect::<Vec<_>>();
            if self.names.is_none() {
                self.names = Some((1..=values.len()).map(|i| format!("column_{i}")).collect());
            }
            let ncols = self.names.as_ref().map_or(1, Vec::len).max(1);
            self.sample_limit = self.sample_limit.min((SAMPLE_CELLS / ncols).max(100));
            self.sample.push((end_line - newlines, values, quoted_empty.map(<[bool]>::to_vec)));
            if self.sample.len() >= self.sample_limit {
                self.start_typed()?;
            }
            return Ok(());
        }
        self.typed_row(fields, quoted_empty, end_line, delimiter)
    }

    /// Infers column types from the sample, builds the typed builders and replays the sample.
    fn start_typed(&mut self) -> Result<()> {
        let names = self.names.clone().unwrap_or_default();
        let ncols = names.len();
        let mut evidence = vec![ColumnEvidence::default(); ncols];
        let mut examples: Vec<Option<String>> = vec![None; ncols];
        for (_, fields, quoted_empty) in &self.sample {
            if fields.len() != ncols {
                continue;
            }
            for (c, f) in fields.iter().enumerate() {
                // A quoted empty string is text in a text column and null in any other, so it
                // is no evidence for the type.
                let quoted = quoted_empty.as_ref().is_some_and(|q| q[c]);
                if !quoted && !self.nulls.is_null(f) {
                    evidence[c].observe(f);
                    if examples[c].is_none() {
                        examples[c] = Some(String::from_utf8_lossy(f).into_owned());
                    }
                }
            }
        }
        self.types.clear();
        for (c, name) in names.iter().enumerate() {
            let inferred = infer::decide(&evidence[c], examples[c].as_deref());
            let chosen = self.options.column_types.get(name).copied();
            let t = chosen.unwrap_or(inferred.column_type);
            self.types.push(t);
            self.report.columns.push(ColumnReport {
                name: name.clone(),
                column_type: t.name(),
                note: if chosen.is_some() {
                    Some(format!("chosen by you (inferred: {})", inferred.column_type.name()))
                } else {
                    inferred.note
                },
                ambiguous_dates: if chosen.is_some() { None } else { inferred.ambiguous_dates },
                overridden: chosen.map(|_| true),
            });
        }
        let fields: Vec<Field> =
            names.iter().zip(&self.types).map(|(n, t)| Field::new(n, t.data_type(), true)).collect();
        self.schema = Some(Arc::new(Schema::new(fields)));
        self.demoted = vec![false; ncols];
        self.cells = vec![Cell::Null; ncols];
        self.new_builders();
        let sample = std::mem::take(&mut self.sample);
        let delimiter = self.report.dialect.as_ref().map_or(b',', |d| d.delimiter);
        let mut out = Vec::new();
        let mut ends = Vec::new();
        for (line, fields, quoted_empty) in sample {
            out.clear();
            ends.clear();
            for f in &fields {
                out.extend_from_slice(f);
                ends.push(out.len());
            }
            // The sample stored start lines; typed_row expects end lines.
            let fields = Fields { buf: &out, ends: &ends, gap: 0 };
            self.typed_row(fields, quoted_empty.as_deref(), line + fields.newlines(), delimiter)?;
        }
        Ok(())
    }

    fn new_builders(&mut self) {
        let cap = self.options.batch_rows.min(1 << 16);
        self.builders = self.types.iter().map(|&t| ColumnBuilder::new(t, cap)).collect();
    }

    fn raw_row(fields: Fields, delimiter: u8) -> String {
        let mut s = String::new();
        for i in 0..fields.len() {
            if i > 0 {
                s.push(delimiter as char);
            }
            s.push_str(&String::from_utf8_lossy(fields.get(i)));
            if s.len() > 1000 {
                let mut cut = 1000;
                while !s.is_char_boundary(cut) {
                    cut -= 1;
                }
                s.truncate(cut);
                s.push('…');
                break;
            }
        }
        s
    }

    #[inline]
    fn typed_row(&mut self, fields: Fields, quoted_empty: Option<&[bool]>, end_line: u64, delimiter: u8) -> Result<()> {
        let ncols = self.types.len();
        let start_line = || end_line - fields.newlines();
        let nfields = fields.len();
        if nfields != ncols {
            let pad = nfields < ncols && self.options.on_ragged == RaggedPolicy::Pad;
            // A lone empty field on an otherwise blank line is not data.
            if !pad {
                self.report.set_aside(LoadIssue {
                    line: start_line(),
                    kind: IssueKind::RaggedRow,
                    message: format!("expected {ncols} fields, found {nfields}"),
                    column: None,
                    raw: Self::raw_row(fields, delimiter),
                });
                return Ok(());
            }
        }
        if self.options.on_type_error == TypeErrorPolicy::FallbackToString {
            // No value can set the row aside: each cell goes straight into its builder (a value
            // that breaks its column's type marks the column for the re-read and stays null).
            let nan_is_null = self.options.nan_is_null;
            for (c, builder) in self.builders.iter_mut().enumerate() {
                if c >= nfields {
                    builder.append_null();
                    continue;
                }
                let v = fields.get(c);
                if quoted_empty_text(quoted_empty, c, v, self.types[c]) {
                    commit(builder, Cell::Str, fields, c);
                } else if !builder.append_values(std::iter::once(v), &self.nulls, nan_is_null) {
                    self.demoted[c] = true;
                }
            }
        } else {
            for c in 0..ncols {
                let cell = if c >= nfields {
                    Cell::Null
                } else {
                    let v = fields.get(c);
                    if self.nulls.is_null(v) {
                        null_cell(quoted_empty, c, v, self.types[c])
                    } else {
                        match parse_cell(self.types[c], v, self.options.nan_is_null) {
                            Some(cell) => cell,
                            None => {
                                let name = self.names.as_ref().map(|n| n[c].clone()).unwrap_or_default();
                                self.report.set_aside(LoadIssue {
                                    line: start_line(),
                                    kind: IssueKind::TypeMismatch,
                                    message: format!(
                                        "\"{}\" is not a valid {}",
                                        String::from_utf8_lossy(v),
                                        self.types[c].name()
                                    ),
                                    column: Some(name),
                                    raw: Self::raw_row(fields, delimiter),
                                });
                                return Ok(());
                            }
                        }
                    }
                };
                self.cells[c] = cell;
            }
            // Commit the row.
            for (c, (builder, &cell)) in self.builders.iter_mut().zip(&self.cells).enumerate() {
                commit(builder, cell, fields, c);
            }
        }
        self.count_rows(1)
    }

    /// The rows a block of fast-path lines may hold now: none (0) unless the block path loads
    /// them as the row path would, i.e. the types are set, no value can set a row aside, and
    /// there are two or more columns (in a one-column table blank lines are rows, see
    /// [`TableState::record`]); never past the end of the batch.
    fn block_rows(&self) -> usize {
        let typed = self.schema.is_some() && self.types.len() > 1;
        if !typed || self.options.on_type_error != TypeErrorPolicy::FallbackToString {
            return 0;
        }
        BLOCK_ROWS.min(self.options.batch_rows.saturating_sub(self.rows_in_batch)).max(1)
    }

    /// Loads a block of rows of the table's width column by column (see [`block`]): as many
    /// [`TableState::typed_row`] calls would under the fall-back policy.
    fn load_block(&mut self, block: &LineBlock, input: &[u8]) -> Result<()> {
        let nan_is_null = self.options.nan_is_null;
        for (c, builder) in self.builders.iter_mut().enumerate() {
            if !builder.append_values(block.column(input, c), &self.nulls, nan_is_null) {
                self.demoted[c] = true;
            }
        }
        self.last_line = block.last_line();
        self.count_rows(block.rows())
    }

    /// Counts `n` loaded rows, and ends the batch when it is full.
    fn count_rows(&mut self, n: usize) -> Result<()> {
        self.report.rows_loaded += n as u64;
        self.rows_in_batch += n;
        if self.rows_in_batch >= self.options.batch_rows {
            self.flush_batch()?;
        }
        Ok(())
    }

    fn flush_batch(&mut self) -> Result<()> {
        if self.rows_in_batch == 0 {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = self.builders.iter_mut().map(ColumnBuilder::finish).collect();
        let schema = self.schema.clone().expect("schema set before rows");
        self.batches.push(RecordBatch::try_new(schema, columns)?)?;
        self.rows_in_batch = 0;
        Ok(())
    }
}

/// Whether field `c` is `""` in a text column: the empty string, not a missing value, even when
/// the empty value is a null token; so CSV written by Strata (null as nothing, empty text as `""`)
/// reads back as it was.
#[inline(always)]
fn quoted_empty_text(quoted_empty: Option<&[bool]>, c: usize, v: &[u8], t: ColumnType) -> bool {
    v.is_empty() && t == ColumnType::String && quoted_empty.is_some_and(|q| q[c])
}

/// The cell of a null-looking value (see [`quoted_empty_text`]).
#[inline(always)]
fn null_cell(quoted_empty: Option<&[bool]>, c: usize, v: &[u8], t: ColumnType) -> Cell {
    if quoted_empty_text(quoted_empty, c, v, t) {
        Cell::Str
    } else {
        Cell::Null
    }
}

/// Appends a parsed cell of field `c` to its column's builder.
#[inline(always)]
fn commit(builder: &mut ColumnBuilder, cell: Cell, fields: Fields, c: usize) {
    match (builder, cell) {
        (ColumnBuilder::Str(b), Cell::Str) => {
            // SAFETY: the decoder only passes valid UTF-8 and fields are split on ASCII bytes
            // (by csv-core or `split_line`), so every field is valid UTF-8. (`Cell::Str` is
            // only made for a field that exists.)
            b.append_value(unsafe { std::str::from_utf8_unchecked(fields.get(c)) })
        }
        (ColumnBuilder::Str(b), _) => b.append_null(),
        (ColumnBuilder::Bool(b), Cell::Bool(v)) => b.append_value(v),
        (ColumnBuilder::Bool(b), _) => b.append_null(),
        (ColumnBuilder::I64(b), Cell::I64(v)) => b.append_value(v),
        (ColumnBuilder::I64(b), _) => b.append_null(),
        (ColumnBuilder::F64(b), Cell::F64(v)) => b.append_value(v),
        (ColumnBuilder::F64(b), _) => b.append_null(),
        (ColumnBuilder::Dec(b, ..), Cell::Dec(v)) => b.append_value(v),
        (ColumnBuilder::Dec(b, ..), _) => b.append_null(),
        (ColumnBuilder::Date(b, _), Cell::Date(v)) => b.append_value(v),
        (ColumnBuilder::Date(b, _), _) => b.append_null(),
        (ColumnBuilder::Ts(b, ..), Cell::Ts(v)) => b.append_value(v),
        (ColumnBuilder::Ts(b, ..), _) => b.append_null(),
    }
}

/// Parses one non-null field as the column's type; `None` when it does not fit.
#[inline(always)]
fn parse_cell(t: ColumnType, v: &[u8], nan_is_null: bool) -> Option<Cell> {
    Some(match t {
        ColumnType::String => Cell::Str,
        ColumnType::Int64 => Cell::I64(infer::parse_i64(v)?),
        ColumnType::Float64 => load_f64(v, nan_is_null)?.map_or(Cell::Null, Cell::F64),
        ColumnType::Boolean => Cell::Bool(infer::parse_bool(v)?),
        ColumnType::Decimal { precision, scale } => Cell::Dec(infer::parse_decimal(v, precision, scale)?),
        ColumnType::Date { order } => Cell::Date(infer::parse_date(v, order)?),
        ColumnType::Timestamp { order, utc } => Cell::Ts(load_timestamp(v, order, utc)?),
    })
}

/// Names must be unique and non-empty to be Arrow fields users can refer to.
fn unique_names(names: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let base = if n.is_empty() { format!("column_{}", i + 1) } else { n };
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                base
            } else {
                format!("{base}_{count}")
            }
        })
        .collect()
}

impl CsvLoader {
    pub fn new(name: &str, options: IngestOptions) -> Self {
        Self::with_hasher(name, options, SourceHasher::default())
    }

    /// See `TextLoader::with_hasher`.
    pub fn with_hasher(name: &str, options: IngestOptions, hasher: SourceHasher) -> Self {
        Self {
            name: name.to_string(),
            options,
            hasher,
            head: Vec::new(),
            stream: None,
            fast_lines: true,
            column_blocks: true,
        }
    }

    /// Every record through csv-core (the reference the fast path is tested against).
    #[cfg(test)]
    fn without_fast_lines(mut self) -> Self {
        self.fast_lines = false;
        self
    }

    /// Every line of the fast path loaded row by row (the reference for column blocks).
    #[cfg(test)]
    fn without_column_blocks(mut self) -> Self {
        self.column_blocks = false;
        self
    }

    /// Data rows loaded so far.
    pub fn rows(&self) -> u64 {
        self.stream.as_ref().map_or(0, |s| s.table.report.rows_loaded)
    }

    pub fn dialect(&self) -> Option<&Dialect> {
        self.stream.as_ref().map(|s| &s.dialect)
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<()> {
        self.hasher.update(chunk);
        if self.stream.is_none() {
            self.head.extend_from_slice(chunk);
            if self.head.len() < SNIFF_BYTES {
                return Ok(());
            }
            let head = std::mem::take(&mut self.head);
            self.start(&head, false)?;
            return self.stream.as_mut().expect("started").decode(&head, false);
        }
        self.stream.as_mut().expect("started").decode(chunk, false)
    }

    fn start(&mut self, head: &[u8], complete: bool) -> Result<()> {
        if head.is_empty() {
            return Err(CoreError::Empty);
        }
        let (encoding, evidence) = match self.options.dialect.encoding {
            Some(e) => (e, String::new()),
            None => sniff::sniff_encoding(&head[..head.len().min(SNIFF_BYTES)]),
        };
        sniff::check_binary(&head[..head.len().min(SNIFF_BYTES)], encoding)?;
        let sample = sniff::decode_sample(&head[..head.len().min(SNIFF_BYTES)], encoding);
        let dialect = sniff::sniff_dialect(&sample, encoding, evidence, &self.options.dialect, &self.name, complete);
        let decoder = match encoding {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => {
                TextDecoder::Utf8 { carry: Vec::new(), skip_bom: encoding.bom_len() }
            }
            TextEncoding::Utf16Le => TextDecoder::Other(Box::new(encoding_rs::UTF_16LE.new_decoder()), Vec::new()),
            TextEncoding::Utf16Be => TextDecoder::Other(Box::new(encoding_rs::UTF_16BE.new_decoder()), Vec::new()),
            TextEncoding::Windows1252 => {
                TextDecoder::Other(Box::new(encoding_rs::WINDOWS_1252.new_decoder()), Vec::new())
            }
        };
        let mut table = TableState::new(self.options.clone(), dialect.has_header);
        table.report.dialect = Some(dialect.clone());
        let mut parser = RecordParser::new(&dialect);
        parser.fast_lines &= self.fast_lines;
        parser.column_blocks = self.column_blocks;
        self.stream = Some(Box::new(Stream { parser, dialect, decoder, decoded_bytes: 0, table }));
        Ok(())
    }

    pub fn finish(mut self) -> Result<Pass> {
        if self.stream.is_none() {
            let head = std::mem::take(&mut self.head);
            self.start(&head, true)?;
            self.stream.as_mut().expect("started").decode(&head, false)?;
        }
        let mut stream = self.stream.take().expect("started");
        stream.decode(&[], true)?;
        stream.parser.finish(&mut stream.table)?;
        // Blank lines at the end of a single-column file are rows too (every line break ends
        // one); a final line without a break was given one by `finish`.
        if stream.table.names.as_ref().is_some_and(|n| n.len() == 1) && !stream.table.header_pending {
            let lines = stream.parser.rdr.line() - 1;
            let delimiter = stream.parser.delimiter;
            stream.table.blank_rows(lines + 1, delimiter)?;
        }
        let table = &mut stream.table;
        if table.schema.is_none() {
            if table.names.is_some() && table.sample.is_empty() {
                // Header only: a valid table with zero rows, and a warning.
                table.start_typed()?;
                table.report.warnings.push("the file has a header but no data rows: 0 rows loaded".into());
            } else if table.names.is_none() {
                return Err(CoreError::Empty);
            } else {
                table.start_typed()?;
            }
        }
        if table.demoted.iter().any(|&d| d) {
            let names = table.names.clone().unwrap_or_default();
            let mut next = self.options.clone();
            let mut cols = Vec::new();
            for (c, &d) in table.demoted.iter().enumerate() {
                if d {
                    next.column_types.insert(names[c].clone(), ColumnType::String);
                    cols.push(names[c].clone());
                }
            }
            return Ok(Pass::Again(next, cols));
        }
        table.flush_batch()?;
        if table.report.rows_set_aside > 0 {
            let counts: Vec<String> =
                table.report.issue_counts.iter().map(|(k, v)| format!("{v} {}", issue_label(*k))).collect();
            let n = table.report.rows_set_aside;
            table.report.warnings.push(format!(
                "{n} {} set aside and listed under load errors ({})",
                if n == 1 { "row was" } else { "rows were" },
                counts.join(", ")
            ));
        }
        let schema = table.schema.clone().expect("schema set");
        let (sha, bytes) = self.hasher.finish();
        let batches = table.batches.finish(&mut table.report);
        Ok(Pass::Done(Box::new(Loaded {
            schema,
            batches,
            report: std::mem::replace(&mut table.report, LoadReport::new(SourceFormat::Csv)),
            source_sha256: sha,
            source_bytes: bytes,
        })))
    }
}

fn issue_label(k: IssueKind) -> &'static str {
    match k {
        IssueKind::RaggedRow => "with the wrong number of fields",
        IssueKind::TypeMismatch => "with a value that breaks its column's type",
        IssueKind::InvalidJson => "of invalid JSON",
    }
}

/// The length of a prefix of `data` that is all ASCII (a multiple of 16 bytes: the bytes after
/// it may be ASCII too).
#[inline]
fn ascii_prefix(data: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while i + 16 <= data.len() {
        let a = u64::from_le_bytes(data[i..i + 8].try_into().expect("eight bytes"));
        let b = u64::from_le_bytes(data[i + 8..i + 16].try_into().expect("eight bytes"));
        if (a | b) & HIGH != 0 {
            break;
        }
        i += 16;
    }
    i
}

impl Stream {
    /// Decodes a chunk to UTF-8 and feeds it to the record parser.
    fn decode(&mut self, chunk: &[u8], last: bool) -> Result<()> {
        // Empty input would tell csv-core the data has ended; that is `RecordParser::finish`'s job.
        if chunk.is_empty() && !last {
            return Ok(());
        }
        let Stream { decoder, parser, table, decoded_bytes, .. } = self;
        match decoder {
            TextDecoder::Utf8 { carry, skip_bom } => {
                let mut owned;
                let mut data: &[u8] = if carry.is_empty() {
                    chunk
                } else {
                    owned = std::mem::take(carry);
                    owned.extend_from_slice(chunk);
                    &owned[..]
                };
                if *skip_bom > 0 {
                    let n = (*skip_bom).min(data.len());
                    data = &data[n..];
                    *skip_bom -= n;
                    *decoded_bytes += n as u64;
                }
                // Most text is ASCII: that prefix is checked 16 bytes at a time (the standard
                // check goes a machine word at a time, 4 bytes in wasm32), the rest as UTF-8.
                let ascii = ascii_prefix(data);
                match std::str::from_utf8(&data[ascii..]) {
                    Ok(_) if data.is_empty() => Ok(()),
                    Ok(_) => {
                        *decoded_bytes += data.len() as u64;
                        parser.feed(data, table)
                    }
                    Err(e) => {
                        let valid = ascii + e.valid_up_to();
                        if valid > 0 {
                            parser.feed(&data[..valid], table)?;
                        }
                        if e.error_len().is_none() && !last {
                            *decoded_bytes += valid as u64;
                            *carry = data[valid..].to_vec();
                            Ok(())
                        } else {
                            Err(CoreError::InvalidUtf8 {
                                offset: *decoded_bytes + valid as u64,
                                line: parser.rdr.line(),
                            })
                        }
                    }
                }
            }
            TextDecoder::Other(dec, buf) => {
                let mut src = chunk;
                loop {
                    let need = dec.max_utf8_buffer_length(src.len()).unwrap_or(src.len() * 3 + 16);
                    buf.resize(need.max(16), 0);
                    let (res, read, written, _) = dec.decode_to_utf8(src, buf, last);
                    src = &src[read..];
                    *decoded_bytes += read as u64;
                    if written > 0 {
                        parser.feed(&buf[..written], table)?;
                    }
                    if res == encoding_rs::CoderResult::InputEmpty {
                        return Ok(());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{load_text_bytes, IngestOptions, TypeErrorPolicy};
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int64Type;

    fn load(s: &[u8]) -> Result<Loaded> {
        load_text_bytes("t.csv", s, &IngestOptions::default())
    }

    #[test]
    fn basic_typed_load() {
        let l = load(b"id,name,amount,day\n1,ann,2.5,2024-01-02\n2,bob,,2024-02-03\n").unwrap();
        assert_eq!(l.report.rows_loaded, 2);
        let s = l.schema.clone();
        assert_eq!(s.field(0).data_type(), &arrow_schema::DataType::Int64);
        assert_eq!(s.field(2).data_type(), &arrow_schema::DataType::Float64);
        assert_eq!(s.field(3).data_type(), &arrow_schema::DataType::Date32);
        assert_eq!(l.batches[0].column(2).null_count(), 1);
        assert_eq!(l.batches[0].column(0).as_primitive::<Int64Type>().value(1), 2);
    }

    #[test]
    fn ragged_rows_set_aside_with_lines() {
        let l = load(b"a,b\n1,2\n3\n4,5,6\n7,8\n").unwrap();
        assert_eq!(l.report.rows_loaded, 2);
        assert_eq!(l.report.rows_set_aside, 2);
        assert_eq!(l.report.issues[0].line, 3);
        assert_eq!(l.report.issues[0].message, "expected 2 fields, found 1");
        assert_eq!(l.report.issues[1].line, 4);
    }

    #[test]
    fn crlf_lines_and_embedded_newlines() {
        let l = load(b"a,b\r\n1,\"x\r\ny\"\r\n2\r\n3,z\r\n").unwrap();
        assert_eq!(l.report.issues[0].line, 4);
        assert_eq!(l.report.rows_loaded, 2);
    }

    #[test]
    fn type_error_fallback_and_set_aside() {
        let mut body = b"n\n".to_vec();
        for i in 0..20_000 {
            body.extend_from_slice(format!("{i}\n").as_bytes());
        }
        body.extend_from_slice(b"oops\n");
        let l = load(&body).unwrap();
        assert_eq!(l.schema.field(0).data_type(), &arrow_schema::DataType::Utf8);
        assert_eq!(l.report.fell_back_to_string, vec!["n".to_string()]);
        assert_eq!(l.report.rows_loaded, 20_001);
        let opts = IngestOptions { on_type_error: TypeErrorPolicy::SetAside, ..Default::default() };
        let l = load_text_bytes("t.csv", &body, &opts).unwrap();
        assert_eq!(l.schema.field(0).data_type(), &arrow_schema::DataType::Int64);
        assert_eq!(l.report.rows_loaded, 20_000);
        assert_eq!(l.report.issues[0].line, 20_002);
        assert_eq!(l.report.issues[0].column.as_deref(), Some("n"));
    }

    #[test]
    fn unterminated_quote() {
        let e = load(b"a,b\n1,2\n3,\"never closed\n4,5\n").unwrap_err();
        assert!(matches!(e, CoreError::UnterminatedQuote { line: 3 }), "{e}");
    }

    /// In a single-column table a blank line is a row with a null value (that is how a null is
    /// written there), between rows, after the header and at the end; with two or more columns
    /// blank lines are not data.
    #[test]
    fn blank_lines_are_null_rows_only_in_a_single_column_table() {
        let ints = |l: &Loaded| -> Vec<Option<i64>> {
            l.batches
                .iter()
                .flat_map(|b| b.column(0).as_any().downcast_ref::<arrow_array::Int64Array>().unwrap().iter())
                .collect()
        };
        assert_eq!(ints(&load(b"a\n1\n\n3\n").unwrap()), [Some(1), None, Some(3)]);
        assert_eq!(ints(&load(b"a\n\n1\n").unwrap()), [None, Some(1)]);
        assert_eq!(ints(&load(b"a\n1\n\n").unwrap()), [Some(1), None]);
        assert_eq!(ints(&load(b"a\n1\n\n\n").unwrap()), [Some(1), None, None]);
        assert_eq!(ints(&load(b"a\r\n1\r\n\r\n3\r\n").unwrap()), [Some(1), None, Some(3)]);
        assert_eq!(ints(&load(b"a\n1\n3").unwrap()), [Some(1), Some(3)]);
        assert_eq!(ints(&load(b"\n\na\n1\n").unwrap()), [Some(1)], "blank lines before the header are not rows");
        // A quoted field spanning lines is one row, not a gap.
        let l = load(b"s\n\"x\ny\"\n\nz\n").unwrap();
        let s = l.batches[0].column(0).as_any().downcast_ref::<arrow_array::StringArray>().unwrap();
        assert_eq!(s.iter().collect::<Vec<_>>(), [Some("x\ny"), None, Some("z")]);
        // Two columns: blank lines are skipped.
        assert_eq!(load(b"a,b\n1,2\n\n3,4\n\n").unwrap().report.rows_loaded, 2);
    }

    #[test]
    fn last_row_without_newline() {
        let l = load(b"a,b\n1,2\n3,4").unwrap();
        assert_eq!(l.report.rows_loaded, 2);
    }

    #[test]
    fn invalid_utf8_after_sniffed_sample() {
        let mut body = b"name\n".to_vec();
        while body.len() < SNIFF_BYTES + 10 {
            body.extend_from_slice(b"plain ascii\n");
        }
        let at = body.len();
        body.extend_from_slice(b"caf\xe9\n");
        let e = load(&body).unwrap_err();
        match e {
            CoreError::InvalidUtf8 { offset, .. } => assert_eq!(offset, at as u64 + 3),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn windows_1252_and_utf16() {
        let l = load(b"name;city\nJos\xe9;S\xe3o Paulo\n").unwrap();
        let d = l.report.dialect.as_ref().unwrap();
        assert_eq!(d.encoding, TextEncoding::Windows1252);
        assert_eq!(d.delimiter, b';');
        assert_eq!(l.batches[0].column(0).as_string::<i32>().value(0), "José");
        let mut u16 = vec![0xFF, 0xFE];
        for c in "a,b\n1,é\n".encode_utf16() {
            u16.extend_from_slice(&c.to_le_bytes());
        }
        let l = load(&u16).unwrap();
        assert_eq!(l.batches[0].column(1).as_string::<i32>().value(0), "é");
    }

    fn texts(l: &Loaded, col: usize) -> Vec<Option<String>> {
        l.batches
            .iter()
            .flat_map(|b| b.column(col).as_string::<i32>().iter().map(|v| v.map(str::to_string)).collect::<Vec<_>>())
            .collect()
    }

    #[test]
    fn quoted_empty_is_empty_text_and_bare_empty_is_null() {
        let l = load(b"id,t,n\n1,\"\",\"\"\n2,,\n3,x,5\n4,\"\"\"\",6\n").unwrap();
        assert_eq!(l.schema.field(1).data_type(), &arrow_schema::DataType::Utf8);
        assert_eq!(texts(&l, 1), vec![Some("".into()), None, Some("x".into()), Some("\"".into())]);
        // Not text: a quoted empty field is a missing number, not a type error.
        assert_eq!(l.schema.field(2).data_type(), &arrow_schema::DataType::Int64);
        assert_eq!(l.batches[0].column(2).null_count(), 2);
        assert_eq!(l.report.rows_set_aside, 0);
    }

    #[test]
    fn quoted_empty_in_first_and_last_field_and_after_blank_lines() {
        let l = load(b"a,b\n\"\",x\n\n\ny,\"\"\nz,\n").unwrap();
        assert_eq!(texts(&l, 0), vec![Some("".into()), Some("y".into()), Some("z".into())]);
        assert_eq!(texts(&l, 1), vec![Some("x".into()), Some("".into()), None]);
    }

    #[test]
    fn quoted_empty_survives_any_chunking() {
        // Past the sniffed head, records cross chunk boundaries at every offset.
        let mut text = String::from("k,t,u\n");
        let mut expected = Vec::new();
        for i in 0..120_000 {
            match i % 3 {
                0 => text.push_str(&format!("{i},\"\",\"a\"\n")),
                1 => text.push_str(&format!("{i},,\"\"\n")),
                _ => text.push_str(&format!("{i},\"q,\"\"\",\n")),
            }
            expected.push(match i % 3 {
                0 => (Some(String::new()), Some("a".to_string())),
                1 => (None, Some(String::new())),
                _ => (Some("q,\"".to_string()), None),
            });
        }
        assert!(text.len() > SNIFF_BYTES);
        for piece in [7, 4093] {
            let mut loader =
                super::super::TextLoader::new(SourceFormat::Csv, "t.csv", IngestOptions::default()).unwrap();
            for chunk in text.as_bytes().chunks(piece) {
                loader.push(chunk).unwrap();
            }
            let Pass::Done(l) = loader.finish().unwrap() else { panic!("read again") };
            let got: Vec<_> = texts(&l, 1).into_iter().zip(texts(&l, 2)).collect();
            assert_eq!(got.len(), expected.len());
            assert!(
                got == expected,
                "piece {piece}: first difference at row {:?}",
                got.iter().zip(&expected).position(|(a, b)| a != b)
            );
        }
    }

    /// Loads `text` pushed in pieces of the given sizes (cycled), with or without the fast path,
    /// re-reading as the drivers do when a column fell back to text.
    fn load_pieces(text: &[u8], pieces: &[usize], options: &IngestOptions, fast: bool) -> Result<Loaded> {
        load_pieces_with(text, pieces, options, |l| if fast { l } else { l.without_fast_lines() })
    }

    /// [`load_pieces`] with each pass's loader set up by `setup`.
    fn load_pieces_with(
        text: &[u8],
        pieces: &[usize],
        options: &IngestOptions,
        setup: impl Fn(CsvLoader) -> CsvLoader,
    ) -> Result<Loaded> {
        let mut retry = super::super::Retry::new(options);
        loop {
            let mut loader = setup(CsvLoader::new("t.csv", retry.options().clone()));
            let mut rest = text;
            let mut i = 0;
            while !rest.is_empty() {
                let n = pieces[i % pieces.len()].clamp(1, rest.len());
                loader.push(&rest[..n])?;
                rest = &rest[n..];
                i += 1;
            }
            if let Some(loaded) = retry.next(loader.finish()?) {
                return Ok(loaded);
            }
        }
    }

    /// Two loads of `text`, named, give the same table and report, or fail alike.
    fn assert_same_load(text: &[u8], (name_a, a): (&str, Result<Loaded>), (name_b, b): (&str, Result<Loaded>)) {
        let shown = String::from_utf8_lossy(text);
        match (a, b) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.schema, b.schema, "{shown:?}");
                assert_eq!(a.batches, b.batches, "{shown:?}");
                assert_eq!(a.report, b.report, "{shown:?}");
            }
            (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{shown:?}"),
            (a, b) => panic!("{shown:?}: {name_a} {:?}, {name_b} {:?}", a.err(), b.err()),
        }
    }

    /// The fast path and csv-core alone load the same table and report, or fail alike.
    fn assert_same_as_csv_core(text: &[u8], pieces: &[usize], options: &IngestOptions) {
        let fast = load_pieces(text, pieces, options, true);
        let reference = load_pieces(text, &[usize::MAX], options, false);
        assert_same_load(text, ("fast", fast), ("csv-core", reference));
    }

    /// Column blocks and the row-by-row fast path load the same table and report, or fail alike.
    fn assert_blocks_same_as_rows(text: &[u8], pieces: &[usize], options: &IngestOptions) {
        let blocks = load_pieces_with(text, pieces, options, |l| l);
        let rows = load_pieces_with(text, pieces, options, CsvLoader::without_column_blocks);
        assert_same_load(text, ("blocks", blocks), ("rows", rows));
    }

    /// One row of a typed table (int, float, date, bool, text) for the block tests: well-formed
    /// for most `kind`s, else with nulls, a value that breaks its column's type, too few or too
    /// many fields, or quoted fields (which csv-core reads).
    fn typed_table_row(i: usize, v: i64, kind: usize) -> String {
        match kind {
            6 => format!("{i},NA,,,"),
            7 => format!("{i},x{v},2024-01-01,false,t"),
            8 => format!("{i},1.5,2024-13-4{},true,t", v % 10),
            9 => format!("{i},1.5"),
            10 => format!("{i},1.5,2024-01-01,true,t,extra"),
            11 => format!("{i},\"2.5\",2024-01-01,\"true\",\"a,b\""),
            12 => format!("{i},NaN,2024-02-29,TRUE,\"\""),
            13 => format!("{i},{v}e3,2024/01/01,yes,"),
            14 => format!("0{i},-{v}.5,2023-02-29,False,NA"),
            _ => format!("{i},{v}.{:02},2024-0{}-1{},{},n{v}", i % 100, 1 + v % 9, v % 10, v % 2 == 0),
        }
    }

    #[test]
    fn column_blocks_match_rows_on_the_cases_above() {
        let cases: [&[u8]; 5] = [
            b"a,b\n1,2\n3\n4,5,6\n7,8\n",
            b"a,b\r\n1,\"x\r\ny\"\r\n2\r\n3,z\r\n",
            b"a,b\n1,2\n3,4",
            b"a,b\n1,2\n3,\"never closed\n4,5\n",
            b"a,b\n1,2\n\n3,x\n4,NA\n",
        ];
        for text in cases {
            for batch_rows in [1, 2, 1000] {
                let options = IngestOptions { sample_rows: 1, batch_rows, ..Default::default() };
                for pieces in [&[usize::MAX][..], &[1], &[3, 1, 7]] {
                    assert_blocks_same_as_rows(text, pieces, &options);
                }
            }
        }
    }

    /// Lines with quoted fields join the blocks only when csv-core would read them as the bytes
    /// between the quotes, with doubled-quote and with backslash escapes.
    #[test]
    fn quoted_lines_in_column_blocks_are_csv_core() {
        let text: &[u8] = b"id,t,n\n1,\"a,b\",2\n2,\"x\\\"y\",3\n3,\"x\\\\\",4\n4,\"p\"\"q\",5\n5,\"\",6\n\
            6,\"m\nl\",7\n7,\"s\",\"8\"\n8,\"r\"\r\n9,\"t\",9,9\n10,plain,10\n";
        for escape in [Escape::Doubled, Escape::Backslash] {
            let mut options = IngestOptions { sample_rows: 1, batch_rows: 3, ..Default::default() };
            options.dialect.escape = Some(escape);
            for pieces in [&[usize::MAX][..], &[1], &[5, 2]] {
                assert_same_as_csv_core(text, pieces, &options);
                assert_blocks_same_as_rows(text, pieces, &options);
            }
        }
    }

    /// Blocks are cut at the block size and at batch ends, and a column broken in a later block
    /// falls back to text.
    #[test]
    fn column_blocks_across_block_and_batch_ends() {
        let mut text = String::from("id,amount,day,flag,note\n");
        for i in 0..5000 {
            let kind = if i == 4321 {
                7
            } else if i % 997 == 0 {
                11
            } else {
                0
            };
            text.push_str(&typed_table_row(i, i as i64 * 7, kind));
            text.push('\n');
        }
        for batch_rows in [1000, 1024, 1500, 65536] {
            let options = IngestOptions { sample_rows: 10, batch_rows, ..Default::default() };
            assert_blocks_same_as_rows(text.as_bytes(), &[usize::MAX], &options);
            assert_blocks_same_as_rows(text.as_bytes(), &[4093, 1], &options);
        }
    }

    /// The byte offset of the first invalid byte is exact wherever it falls (ASCII before it or
    /// not, in whichever piece), and a character cut between pieces is still valid.
    #[test]
    fn invalid_utf8_offsets_at_every_position() {
        // Past the sniffed head (an invalid byte in it makes the file read as Windows-1252).
        let mut head = b"a,b\n".to_vec();
        while head.len() <= SNIFF_BYTES {
            head.extend_from_slice(b"x,y\n");
        }
        for k in 0..34 {
            for accent in [false, true] {
                let mut body = head.clone();
                body.extend(std::iter::repeat_n(b'x', k));
                if accent {
                    body.extend_from_slice("é,".as_bytes());
                }
                let at = body.len();
                body.extend_from_slice(b"\xff,1\n");
                for pieces in [&[usize::MAX][..], &[4093], &[SNIFF_BYTES + k, 1]] {
                    match load_pieces(&body, pieces, &IngestOptions::default(), true).unwrap_err() {
                        CoreError::InvalidUtf8 { offset, .. } => assert_eq!(offset, at as u64, "{k} {accent}"),
                        other => panic!("{other}"),
                    }
                }
                body.truncate(at);
                body.extend_from_slice(if accent { "ü\n" } else { ",ü\n" }.as_bytes());
                for pieces in [&[usize::MAX][..], &[4093], &[SNIFF_BYTES + k, 1]] {
                    let l = load_pieces(&body, pieces, &IngestOptions::default(), true).unwrap();
                    assert_eq!(l.report.rows_loaded as usize, (head.len() - 4) / 4 + 1);
                }
            }
        }
    }

    #[test]
    fn null_tokens_match_whole_values_only() {
        let tokens: Vec<String> =
            ["", "NA", "N/A", "null", "-", "eightchr", "ninechars", "a\0"].iter().map(|t| t.to_string()).collect();
        let nulls = NullTokens::new(&tokens);
        let values: [&[u8]; 16] = [
            b"",
            b"NA",
            b"NA\0",
            b"N",
            b"na",
            b"N/A",
            b"null",
            b"NULL",
            b"-",
            b"--",
            b"eightchr",
            b"eightchrs",
            b"ninechars",
            b"ninechar",
            b"a\0",
            b"a",
        ];
        for v in values {
            let naive = tokens.iter().any(|t| t.as_bytes() == v);
            assert_eq!(nulls.is_null(v), naive, "{:?}", String::from_utf8_lossy(v));
        }
        assert!(!NullTokens::new(&["NA".to_string()]).is_null(b""));
    }

    #[test]
    fn split_line_finds_delimiters_and_refuses_quotes_and_lone_carriage_returns() {
        let mut ends = Vec::new();
        assert_eq!(split_line(b"a,bb,,ccc,dddddddd,e\nz", b',', b'"', &mut ends), Some(20));
        assert_eq!(ends, [1, 4, 5, 9, 18]);
        assert_eq!(split_line(b"0123456789,\r\n", b',', b'"', &mut ends), Some(12));
        assert_eq!(ends, [10]);
        assert_eq!(split_line(b"x\r\n", b',', b'"', &mut ends), Some(2));
        assert_eq!(split_line(b"\n", b',', b'"', &mut ends), Some(0));
        assert_eq!(split_line(b"0123456,\"x\"\n", b',', b'"', &mut ends), None);
        assert_eq!(split_line(b"0123456789\rx\n", b',', b'"', &mut ends), None);
        assert_eq!(split_line(b"a\rb\n", b',', b'"', &mut ends), None);
        assert_eq!(split_line(b"a,b", b',', b'"', &mut ends), None, "no line feed: not a whole line");
        assert_eq!(split_line(b"a,b\r", b',', b'"', &mut ends), None);
        // A quote after the line feed is the next line's.
        assert_eq!(split_line(b"1;2\n\"3\";4\n", b';', b'"', &mut ends), Some(3));
        assert_eq!(ends, [1]);
    }

    #[test]
    fn fast_path_matches_csv_core_on_the_cases_above() {
        let cases: [&[u8]; 12] = [
            b"a,b\n1,2\n3\n4,5,6\n7,8\n",
            b"a,b\r\n1,\"x\r\ny\"\r\n2\r\n3,z\r\n",
            b"a\n1\n\n3\n",
            b"a\r\n1\r\n\r\n3\r\n",
            b"\n\na\n1\n\n\n",
            b"s\n\"x\ny\"\n\nz\n",
            b"a,b\n1,2\n3,4",
            b"a,b\n1,2\n3,\"never closed\n4,5\n",
            b"id,t,n\n1,\"\",\"\"\n2,,\n3,x,5\n4,\"\"\"\",6\n",
            b"a,b\n\"\",x\n\n\ny,\"\"\nz,\n",
            b"a,b\r1,2\r3,4\r",
            b"\xef\xbb\xbfa,b\n1,2\n\xef\xbb\xbf3,4\n",
        ];
        for text in cases {
            for pieces in [&[usize::MAX][..], &[1], &[3, 1, 7]] {
                assert_same_as_csv_core(text, pieces, &IngestOptions::default());
            }
        }
    }

    /// [`split_line`] by its definition, a byte at a time.
    #[cfg(not(target_arch = "wasm32"))]
    fn split_line_reference(s: &[u8], delimiter: u8, quote: u8, ends: &mut Vec<usize>) -> Option<usize> {
        ends.clear();
        let nl = s.iter().position(|&b| b == b'\n')?;
        let line = &s[..nl];
        let body = line.strip_suffix(b"\r").unwrap_or(line);
        if body.iter().any(|&b| b == quote || b == b'\r') {
            return None;
        }
        ends.extend(body.iter().enumerate().filter(|(_, &b)| b == delimiter).map(|(i, _)| i));
        Some(nl)
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

        /// Lines of the bytes the word tests look for and of those one above them (which the
        /// cheaper zero-byte test can mark after a true match): `split_line` is its definition.
        #[test]
        fn split_line_is_its_definition(
            bytes in proptest::collection::vec(proptest::sample::select(
                b",-\"#\r\x0c\n\x0b;:a".to_vec()), 0..40),
            semicolon in proptest::bool::ANY,
        ) {
            let d = if semicolon { b';' } else { b',' };
            let (mut got, mut want) = (Vec::new(), Vec::new());
            let a = split_line(&bytes, d, b'"', &mut got);
            let b = split_line_reference(&bytes, d, b'"', &mut want);
            proptest::prop_assert_eq!(a, b, "{:?}", String::from_utf8_lossy(&bytes));
            if a.is_some() {
                proptest::prop_assert_eq!(got, want);
            }
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 400, ..Default::default() })]

        /// Random tables, with and without quotes, blank lines, CR/LF/CRLF, ragged rows and values
        /// that break a column's type, cut into random pieces: the fast path gives exactly what
        /// csv-core alone gives, under every type-error and ragged-row policy.
        #[test]
        fn fast_path_is_csv_core_on_random_tables(
            tokens in proptest::collection::vec(0usize..22, 0..300),
            pieces in proptest::collection::vec(1usize..64, 1..6),
            policy in 0usize..4,
            semicolon in proptest::bool::ANY,
        ) {
            const VALUES: [&str; 14] = [
                "1", "-25", "2.5", "abc", "", "NA", "2024-01-02", "true", "x y", "\"q\"", "\"a,b\"", "\"\"",
                "\"l1\nl2\"", "\"say \"\"hi\"\"\"",
            ];
            let d = if semicolon { ";" } else { "," };
            let mut text = format!("a{d}b{d}c\n");
            for &t in &tokens {
                match t {
                    0..=13 => text.push_str(VALUES[t]),
                    14..=16 => text.push_str(d),
                    17 | 18 => text.push('\n'),
                    19 => text.push_str("\r\n"),
                    20 => text.push('\r'),
                    _ => text.push('"'),
                }
            }
            let options = IngestOptions {
                sample_rows: 3,
                batch_rows: 4,
                on_type_error: if policy % 2 == 0 { TypeErrorPolicy::FallbackToString } else { TypeErrorPolicy::SetAside },
                on_ragged: if policy / 2 == 0 { RaggedPolicy::SetAside } else { RaggedPolicy::Pad },
                ..Default::default()
            };
            assert_same_as_csv_core(text.as_bytes(), &pieces, &options);
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]

        /// Random typed tables with nulls, values that break a column's type, ragged and quoted
        /// rows, blank lines and CRLF, in random pieces, small samples and batches, under every
        /// policy: loading the fast path's lines column by column gives exactly what loading them
        /// row by row gives.
        #[test]
        fn column_blocks_are_rows_on_random_tables(
            rows in proptest::collection::vec((0usize..24, 0i64..100_000, 0usize..12), 0..300),
            pieces in proptest::collection::vec(1usize..2048, 1..4),
            batch_rows in 1usize..40,
            sample_rows in 1usize..20,
            policy in 0usize..4,
            nan_is_null in proptest::bool::ANY,
        ) {
            let mut text = String::from("id,amount,day,flag,note\n");
            for (i, &(kind, v, end)) in rows.iter().enumerate() {
                text.push_str(&typed_table_row(i, v, kind));
                text.push_str(match end { 0 => "\r\n", 1 => "\n\n", _ => "\n" });
            }
            let options = IngestOptions {
                sample_rows,
                batch_rows,
                nan_is_null,
                on_type_error: if policy % 2 == 0 { TypeErrorPolicy::FallbackToString } else { TypeErrorPolicy::SetAside },
                on_ragged: if policy / 2 == 0 { RaggedPolicy::SetAside } else { RaggedPolicy::Pad },
                ..Default::default()
            };
            assert_blocks_same_as_rows(text.as_bytes(), &pieces, &options);
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 12, ..Default::default() })]

        /// Mostly well-formed rows of a typed table, many of them past the sniffed head, so the
        /// fast path runs in long stretches between quoted records and across piece boundaries.
        #[test]
        fn fast_path_is_csv_core_on_long_typed_tables(
            rows in proptest::collection::vec((0i64..1000, 0usize..8, proptest::bool::ANY), 1..200),
            piece in 1usize..5000,
            crlf in proptest::bool::ANY,
        ) {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("id,amount,day,note{nl}");
            for (i, (v, kind, flag)) in rows.iter().enumerate() {
                let note = match kind {
                    0 => "\"gift, wrapped\"".to_string(),
                    1 => "\"\"".to_string(),
                    2 => String::new(),
                    3 => format!("\"multi{nl}line\""),
                    4 if *flag => "oops\"quote".to_string(),
                    _ => format!("n{v}"),
                };
                let amount = if *flag && kind == &7 { "x".to_string() } else { format!("{}.{:02}", v, i % 100) };
                text.push_str(&format!("{i},{amount},2024-0{}-1{},{note}{nl}", 1 + v % 9, v % 10));
            }
            // Past the 1 MB head, repeated: the stream after sniffing, too.
            let mut big = text.clone();
            while big.len() < SNIFF_BYTES + 4096 {
                big.push_str(&text[text.find(nl).unwrap() + nl.len()..]);
            }
            for t in [&text, &big] {
                assert_same_as_csv_core(t.as_bytes(), &[piece, 7, 65536], &IngestOptions::default());
            }
        }
    }
}
