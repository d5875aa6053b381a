//! JSON Lines through arrow-json's push decoder, with line-numbered errors.
//!
//! Each line is one object. The schema is inferred from the first lines; string columns whose
//! sampled values are all dates or timestamps become typed columns, as in CSV. A line that is not
//! valid JSON, or whose values break the schema, is set aside with its line number.

use std::io::Cursor;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_json::reader::{infer_json_schema, Decoder, ReaderBuilder};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::infer::{self, ColumnEvidence, ColumnType};
use super::{
    BatchSink, ColumnReport, IngestOptions, IssueKind, LoadIssue, LoadReport, Loaded, Pass, SourceFormat, SourceHasher,
};
use crate::core::error::{CoreError, Result};

const INFER_BYTES: usize = 1 << 20;
const INFER_LINES: usize = 10_000;

pub struct JsonlLoader {
    options: IngestOptions,
    hasher: SourceHasher,
    head: Vec<u8>,
    carry: Vec<u8>,
    state: Option<State>,
}

struct State {
    schema: SchemaRef,
    /// Schema given to arrow-json: date-like columns are read as text, then converted.
    raw_schema: SchemaRef,
    conversions: Vec<(usize, ColumnType)>,
    decoder: Decoder,
    batches: BatchSink,
    report: LoadReport,
    next_line: u64,
    demoted: Vec<String>,
}

impl JsonlLoader {
    pub fn new(options: IngestOptions) -> Self {
        Self::with_hasher(options, SourceHasher::default())
    }

    /// See `TextLoader::with_hasher`.
    pub fn with_hasher(options: IngestOptions, hasher: SourceHasher) -> Self {
        Self { options, hasher, head: Vec::new(), carry: Vec::new(), state: None }
    }

    pub fn rows(&self) -> u64 {
        self.state.as_ref().map_or(0, |s| s.report.rows_loaded)
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<()> {
        self.hasher.update(chunk);
        if self.state.is_none() {
            self.head.extend_from_slice(chunk);
            if self.head.len() < INFER_BYTES {
                return Ok(());
            }
            let head = std::mem::take(&mut self.head);
            self.start(&head)?;
            return self.feed(&head);
        }
        self.feed(chunk)
    }

    fn start(&mut self, head: &[u8]) -> Result<()> {
        if head.is_empty() {
            return Err(CoreError::Empty);
        }
        super::sniff::check_binary(head, super::TextEncoding::Utf8)?;
        // Infer from whole, valid lines only; a broken line is reported later with its number.
        let cut = head.iter().rposition(|&b| b == b'\n').map_or(head.len(), |p| p + 1);
        let mut good = Vec::new();
        for line in head[..cut].split(|&b| b == b'\n').take(INFER_LINES) {
            let t = line.trim_ascii();
            if !t.is_empty() && serde_json::from_slice::<serde_json::Value>(t).is_ok_and(|v| v.is_object()) {
                good.extend_from_slice(t);
                good.push(b'\n');
            }
        }
        if good.is_empty() {
            let first = head.split(|&b| b == b'\n').next().unwrap_or_default();
            let message = match serde_json::from_slice::<serde_json::Value>(first.trim_ascii()) {
                Ok(_) => "each line must be a JSON object".to_string(),
                Err(e) => e.to_string(),
            };
            return Err(CoreError::Json { line: 1, message });
        }
        let (inferred, _) = infer_json_schema(Cursor::new(&good), Some(INFER_LINES))
            .map_err(|e| CoreError::Json { line: 1, message: e.to_string() })?;
        // Look for date-like strings, and apply the user's chosen types.
        let values: Vec<serde_json::Value> = good
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .filter_map(|l| serde_json::from_slice(l).ok())
            .collect();
        // Keep the order in which keys first appear (arrow-json sorts them).
        let mut order: Vec<String> = Vec::new();
        for v in &values {
            if let Some(obj) = v.as_object() {
                for k in obj.keys() {
                    if !order.contains(k) {
                        order.push(k.clone());
                    }
                }
            }
        }
        let by_name = |n: &str| order.iter().position(|k| k == n).unwrap_or(usize::MAX);
        let mut ordered: Vec<Field> = inferred.fields().iter().map(|f| f.as_ref().clone()).collect();
        ordered.sort_by_key(|f| by_name(f.name()));
        let inferred = Schema::new(ordered);
        let mut fields = Vec::new();
        let mut conversions = Vec::new();
        let mut report = LoadReport::new(SourceFormat::Jsonl);
        for (i, f) in inferred.fields().iter().enumerate() {
            let mut t = f.data_type().clone();
            let mut note = None;
            let mut amb = None;
            let chosen = self.options.column_types.get(f.name()).copied();
            if t == DataType::Utf8 || chosen.is_some() {
                let mut ev = ColumnEvidence::default();
                let mut example = None;
                for v in &values {
                    if let Some(serde_json::Value::String(s)) = v.get(f.name()) {
                        ev.observe(s.as_bytes());
                        example.get_or_insert_with(|| s.clone());
                    }
                }
                let decided = infer::decide(&ev, example.as_deref());
                let ct = chosen.unwrap_or(match decided.column_type {
                    c @ (ColumnType::Date { .. } | ColumnType::Timestamp { .. }) => c,
                    _ => ColumnType::String,
                });
                if ct != ColumnType::String || chosen.is_some() {
                    conversions.push((i, ct));
                    t = ct.data_type();
                }
                note = if chosen.is_some() { Some("chosen by you".to_string()) } else { decided.note };
                amb = if chosen.is_some() { None } else { decided.ambiguous_dates };
            }
            report.columns.push(ColumnReport {
                name: f.name().clone(),
                column_type: type_name(&t),
                note,
                ambiguous_dates: amb,
                overridden: chosen.map(|_| true),
            });
            fields.push(Field::new(f.name(), t, true));
        }
        let schema: SchemaRef = Arc::new(Schema::new(fields));
        let raw_fields: Vec<Field> = inferred
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if conversions.iter().any(|(c, _)| *c == i) {
                    Field::new(f.name(), DataType::Utf8, true)
                } else {
                    f.as_ref().clone().with_nullable(true)
                }
            })
            .collect();
        let raw_schema: SchemaRef = Arc::new(Schema::new(raw_fields));
        let decoder = build_decoder(&raw_schema, self.options.batch_rows)?;
        self.state = Some(State {
            schema,
            raw_schema,
            conversions,
            decoder,
            batches: BatchSink::new(&self.options),
            report,
            next_line: 1,
            demoted: Vec::new(),
        });
        Ok(())
    }

    /// Feeds whole lines; a partial last line waits for the next chunk.
    fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(chunk);
        let cut = data.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        self.carry = data[cut..].to_vec();
        let state = self.state.as_mut().expect("started");
        state.feed_lines(&data[..cut], &self.options)
    }

    pub fn finish(mut self) -> Result<Pass> {
        if self.state.is_none() {
            let head = std::mem::take(&mut self.head);
            self.start(&head)?;
            self.feed(&head)?;
        }
        let mut rest = std::mem::take(&mut self.carry);
        if !rest.is_empty() {
            rest.push(b'\n');
        }
        let options = self.options.clone();
        let state = self.state.as_mut().expect("started");
        state.feed_lines(&rest, &options)?;
        state.flush()?;
        if !state.demoted.is_empty() {
            let mut next = options.clone();
            for c in &state.demoted {
                next.column_types.insert(c.clone(), ColumnType::String);
            }
            return Ok(Pass::Again(next, state.demoted.clone()));
        }
        if state.report.rows_set_aside > 0 {
            state
                .report
                .warnings
                .push(format!("{} lines were set aside and are listed under load errors", state.report.rows_set_aside));
        }
        let (sha, bytes) = self.hasher.finish();
        let mut state = self.state.take().expect("started");
        let batches = state.batches.finish(&mut state.report);
        Ok(Pass::Done(Box::new(Loaded {
            schema: state.schema,
            batches,
            report: state.report,
            source_sha256: sha,
            source_bytes: bytes,
        })))
    }
}

fn build_decoder(schema: &SchemaRef, batch_rows: usize) -> Result<Decoder> {
    Ok(ReaderBuilder::new(schema.clone()).with_batch_size(batch_rows.max(1)).build_decoder()?)
}

fn type_name(t: &DataType) -> String {
    match t {
        DataType::Int64 => "int64".into(),
        DataType::Float64 => "float64".into(),
        DataType::Boolean => "boolean".into(),
        DataType::Utf8 => "string".into(),
        DataType::Date32 => "date".into(),
        other => other.to_string().to_lowercase(),
    }
}

impl State {
    fn feed_lines(&mut self, data: &[u8], options: &IngestOptions) -> Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        // Fast path: the whole block at once. The decoder is flushed first so that an error
        // can only concern lines of this block.
        self.flush()?;
        let attempt = (|| -> std::result::Result<Option<RecordBatch>, arrow_schema::ArrowError> {
            let mut pos = 0;
            let mut out = Vec::new();
            while pos < data.len() {
                let n = self.decoder.decode(&data[pos..])?;
                pos += n;
                if n == 0 || self.decoder.len() >= options.batch_rows {
                    if let Some(b) = self.decoder.flush()? {
                        out.push(b);
                    }
                }
            }
            if let Some(b) = self.decoder.flush()? {
                out.push(b);
            }
            Ok(Some(arrow_select::concat::concat_batches(&self.raw_schema, &out)?))
        })();
        let newlines = data.iter().filter(|&&b| b == b'\n').count() as u64;
        match attempt {
            Ok(Some(batch)) => {
                self.push_batch(batch)?;
                self.next_line += newlines;
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(_) => {
                // Slow path: line by line, to find and set aside the broken lines.
                self.decoder = build_decoder(&self.raw_schema, options.batch_rows)?;
                let mut good = Vec::new();
                let first_line = self.next_line;
                self.next_line += newlines;
                // `data` ends with a newline, so the piece after it is empty and skipped.
                for (k, line) in data.split(|&b| b == b'\n').take(newlines as usize).enumerate() {
                    if line.trim_ascii().is_empty() {
                        continue;
                    }
                    match self.decoder.decode(line).and_then(|_| self.decoder.flush()) {
                        Ok(Some(b)) => good.push(b),
                        Ok(None) => {}
                        Err(e) => {
                            self.decoder = build_decoder(&self.raw_schema, options.batch_rows)?;
                            self.report.set_aside(LoadIssue {
                                line: first_line + k as u64,
                                kind: IssueKind::InvalidJson,
                                message: e.to_string().trim_start_matches("Json error: ").to_string(),
                                column: None,
                                raw: String::from_utf8_lossy(&line[..line.len().min(1000)]).into_owned(),
                            });
                        }
                    }
                }
                if !good.is_empty() {
                    let batch = arrow_select::concat::concat_batches(&self.raw_schema, &good)?;
                    self.push_batch(batch)?;
                }
                Ok(())
            }
        }
    }

    fn flush(&mut self) -> Result<()> {
        if let Some(b) = self.decoder.flush()? {
            self.push_batch(b)?;
        }
        Ok(())
    }

    /// Converts the date-like text columns and keeps the batch.
    fn push_batch(&mut self, batch: RecordBatch) -> Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
        for &(c, t) in &self.conversions {
            let text = batch.column(c).as_string::<i32>();
            match convert_text(text, t) {
                Some(a) => columns[c] = a,
                None => {
                    let name = self.schema.field(c).name().clone();
                    if !self.demoted.contains(&name) {
                        self.demoted.push(name);
                    }
                }
            }
        }
        if !self.demoted.is_empty() {
            return Ok(()); // this pass is only finding the columns to read as text
        }
        self.report.rows_loaded += batch.num_rows() as u64;
        self.batches.push(RecordBatch::try_new(self.schema.clone(), columns)?)?;
        Ok(())
    }
}

fn convert_text(a: &arrow_array::StringArray, t: ColumnType) -> Option<ArrayRef> {
    use arrow_array::builder::{Date32Builder, TimestampMicrosecondBuilder};
    match t {
        ColumnType::String => Some(Arc::new(a.clone())),
        ColumnType::Date { order } => {
            let mut b = Date32Builder::with_capacity(a.len());
            for v in a.iter() {
                match v {
                    None => b.append_null(),
                    Some(s) => b.append_value(infer::parse_date(s.as_bytes(), order)?),
                }
            }
            Some(Arc::new(b.finish()))
        }
        ColumnType::Timestamp { order, utc } => {
            let mut b = TimestampMicrosecondBuilder::with_capacity(a.len());
            for v in a.iter() {
                match v {
                    None => b.append_null(),
                    Some(s) => {
                        let (ts, tz) = infer::parse_timestamp(s.as_bytes(), order)?;
                        if tz != utc {
                            return None;
                        }
                        b.append_value(ts)
                    }
                }
            }
            let arr = b.finish();
            Some(Arc::new(if utc { arr.with_timezone("UTC") } else { arr }))
        }
        other => {
            // A user-chosen numeric type for a text column: parse like CSV.
            let casted = arrow_cast::cast(a, &other.data_type()).ok()?;
            (casted.null_count() == a.null_count()).then_some(casted)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::load_text_bytes;
    use super::*;

    #[test]
    fn loads_and_types() {
        let data =
            b"{\"id\":1,\"name\":\"a\",\"day\":\"2024-01-02\"}\n{\"id\":2,\"name\":null,\"day\":\"2024-03-04\"}\n";
        let l = load_text_bytes("x.jsonl", data, &IngestOptions::default()).unwrap();
        assert_eq!(l.report.rows_loaded, 2);
        assert_eq!(l.schema.field(0).data_type(), &DataType::Int64);
        assert_eq!(l.schema.field(2).data_type(), &DataType::Date32);
    }

    #[test]
    fn broken_line_set_aside_with_number() {
        let data = b"{\"id\":1}\n{\"id\":2}\n{\"id\": oops}\n{\"id\":4}\n";
        let l = load_text_bytes("x.jsonl", data, &IngestOptions::default()).unwrap();
        assert_eq!(l.report.rows_loaded, 3);
        assert_eq!(l.report.rows_set_aside, 1);
        assert_eq!(l.report.issues[0].line, 3);
    }

    #[test]
    fn not_json_is_a_clear_error() {
        let e = load_text_bytes("x.jsonl", b"hello world\n", &IngestOptions::default()).unwrap_err();
        assert!(matches!(e, CoreError::Json { line: 1, .. }), "{e}");
    }
}
