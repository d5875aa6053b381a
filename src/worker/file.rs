//! Reading a browser `File`: async chunks for streaming, synchronous random access for Parquet.
//!
//! Parquet's reader asks for every page twice (its header through `get_read`, its data through
//! `get_bytes`), and each `FileReaderSync` call is a round trip to the browser's blob storage; so
//! once the footer is known, a whole row group's bytes are read at once and pages are served as
//! slices of them.

use std::cell::RefCell;

use bytes::Bytes;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, FileReaderSync};

use crate::core::error::{CoreError, Result};
use crate::core::ingest::parquet::{ParquetChunkReader, ParquetLength};

pub(crate) fn js_err(context: &str, e: wasm_bindgen::JsValue) -> CoreError {
    let detail = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"));
    CoreError::Io(std::io::Error::other(format!("{context}: {detail}")))
}

/// A read of bytes of a file that the browser has started; `buffer` waits for it. Starting the
/// next read before parsing the current chunk lets the browser read while the worker parses.
pub struct PendingRead(JsFuture);

/// Starts reading bytes `start..end` of a file (see [`PendingRead`]).
pub fn start_read(file: &File, start: u64, end: u64) -> Result<PendingRead> {
    let blob = file.slice_with_f64_and_f64(start as f64, end as f64).map_err(|e| js_err("cannot slice the file", e))?;
    Ok(PendingRead(JsFuture::from(blob.array_buffer())))
}

impl PendingRead {
    /// The bytes read, as a JavaScript buffer.
    pub async fn buffer(self) -> Result<js_sys::ArrayBuffer> {
        let buf = self.0.await.map_err(|e| js_err("cannot read the file", e))?;
        Ok(buf.unchecked_into())
    }
}

/// Reads bytes `start..end` of a file without blocking (the event loop runs meanwhile, so a
/// Cancel message is seen between chunks).
pub async fn read_range(file: &File, start: u64, end: u64) -> Result<Vec<u8>> {
    let buf = start_read(file, start, end)?.buffer().await?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Random access to a `File` for the Parquet reader, through `FileReaderSync` (workers only).
pub struct BlobChunkReader {
    file: File,
    reader: FileReaderSync,
    /// Byte ranges `start..end` of the row groups (from the footer); a read inside one loads the
    /// whole range once.
    row_groups: Vec<(u64, u64)>,
    /// The row group held: its start and its bytes.
    held: RefCell<Option<(u64, Bytes)>>,
}

// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread, so JS handles (and
// the cache) are never shared across threads; parquet only asks for Send + Sync to support
// native threading.
unsafe impl Send for BlobChunkReader {}
unsafe impl Sync for BlobChunkReader {}

/// Row groups larger than this are read page by page instead of held whole.
const MAX_HELD_ROW_GROUP: u64 = 512 << 20;

impl BlobChunkReader {
    pub fn new(file: File) -> Self {
        let reader = FileReaderSync::new().expect("FileReaderSync exists in dedicated workers");
        BlobChunkReader { file, reader, row_groups: Vec::new(), held: RefCell::new(None) }
    }

    /// Reads through whole row groups: `ranges` are their byte ranges `start..end`, as the footer
    /// gives them (see `row_group_ranges`).
    pub fn with_row_groups(mut self, ranges: Vec<(u64, u64)>) -> Self {
        self.row_groups = ranges.into_iter().filter(|(s, e)| e > s && e - s <= MAX_HELD_ROW_GROUP).collect();
        self
    }

    fn read_direct(&self, start: u64, len: usize) -> parquet::errors::Result<Bytes> {
        let blob = self
            .file
            .slice_with_f64_and_f64(start as f64, (start + len as u64) as f64)
            .map_err(|e| parquet::errors::ParquetError::External(Box::new(js_err("cannot slice the file", e))))?;
        let ab = self
            .reader
            .read_as_array_buffer(&blob)
            .map_err(|e| parquet::errors::ParquetError::External(Box::new(js_err("cannot read the file", e))))?;
        Ok(Bytes::from(js_sys::Uint8Array::new(&ab).to_vec()))
    }

    /// The bytes of the held row group from `start` to its end, loading that row group first if
    /// `start` falls in another one; `None` when `start` is in no row group (the footer).
    fn held_from(&self, start: u64) -> parquet::errors::Result<Option<Bytes>> {
        if let Some((s, bytes)) = &*self.held.borrow() {
            if start >= *s && start < s + bytes.len() as u64 {
                return Ok(Some(bytes.slice((start - s) as usize..)));
            }
        }
        let Some(&(s, e)) = self.row_groups.iter().find(|(s, e)| start >= *s && start < *e) else {
            return Ok(None);
        };
        // Drop the previous row group before reading the next.
        self.held.borrow_mut().take();
        let bytes = self.read_direct(s, (e - s) as usize)?;
        let from = bytes.slice((start - s) as usize..);
        *self.held.borrow_mut() = Some((s, bytes));
        Ok(Some(from))
    }

    fn read(&self, start: u64, len: usize) -> parquet::errors::Result<Bytes> {
        match self.held_from(start)? {
            Some(b) if b.len() >= len => Ok(b.slice(..len)),
            _ => self.read_direct(start, len),
        }
    }
}

/// The byte range `start..end` of each row group's column chunks.
pub fn row_group_ranges(md: &parquet::file::metadata::ParquetMetaData) -> Vec<(u64, u64)> {
    md.row_groups()
        .iter()
        .filter_map(|rg| {
            let ranges = rg.columns().iter().map(|c| c.byte_range());
            let start = ranges.clone().map(|(s, _)| s).min()?;
            let end = ranges.map(|(s, l)| s + l).max()?;
            Some((start, end))
        })
        .collect()
}

impl ParquetLength for BlobChunkReader {
    fn len(&self) -> u64 {
        self.file.size() as u64
    }
}

impl ParquetChunkReader for BlobChunkReader {
    type T = BlobRead;

    /// A lazy reader: page headers need a few hundred bytes, so blocks start small and grow;
    /// inside a held row group, a slice of it.
    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        if let Some(block) = self.held_from(start)? {
            return Ok(BlobRead {
                source: None,
                file: self.file.clone(),
                pos: start + block.len() as u64,
                block,
                next_len: 0,
            });
        }
        Ok(BlobRead { source: None, file: self.file.clone(), pos: start, block: Bytes::new(), next_len: 64 << 10 })
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        self.read(start, length)
    }
}

/// Sequential reads from an offset of a `File`, fetched in growing blocks.
pub struct BlobRead {
    /// Made on the first read past `block`.
    source: Option<BlobChunkReader>,
    file: File,
    pos: u64,
    block: Bytes,
    next_len: usize,
}

impl std::io::Read for BlobRead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.block.is_empty() {
            let source = self.source.get_or_insert_with(|| BlobChunkReader::new(self.file.clone()));
            let remaining = ParquetLength::len(source).saturating_sub(self.pos);
            if remaining == 0 {
                return Ok(0);
            }
            let n = (self.next_len.max(64 << 10) as u64).min(remaining) as usize;
            self.block = source.read_direct(self.pos, n).map_err(std::io::Error::other)?;
            self.pos += n as u64;
            self.next_len = (n * 2).min(8 << 20);
        }
        let n = buf.len().min(self.block.len());
        buf[..n].copy_from_slice(&self.block[..n]);
        self.block = self.block.slice(n..);
        Ok(n)
    }
}

/// A `File` as `Read + Seek` through `FileReaderSync` (workers only), for readers that jump
/// around, like a zip archive's directory; wrap it in a `BufReader` for small reads.
pub struct BlobSeek {
    source: BlobChunkReader,
    pos: u64,
}

impl BlobSeek {
    pub fn new(file: File) -> Self {
        BlobSeek { source: BlobChunkReader::new(file), pos: 0 }
    }
}

impl std::io::Read for BlobSeek {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let remaining = ParquetLength::len(&self.source).saturating_sub(self.pos);
        let n = (buf.len() as u64).min(remaining) as usize;
        if n == 0 {
            return Ok(0);
        }
        let bytes = self.source.read(self.pos, n).map_err(std::io::Error::other)?;
        buf[..bytes.len()].copy_from_slice(&bytes);
        self.pos += bytes.len() as u64;
        Ok(bytes.len())
    }
}

impl std::io::Seek for BlobSeek {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let len = ParquetLength::len(&self.source) as i128;
        let target = match to {
            std::io::SeekFrom::Start(p) => p as i128,
            std::io::SeekFrom::End(d) => len + d as i128,
            std::io::SeekFrom::Current(d) => self.pos as i128 + d as i128,
        };
        if target < 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start of the file"));
        }
        self.pos = target as u64;
        Ok(self.pos)
    }
}
