//! Column-by-column loading of a block of lines split by the fast path.
//!
//! Loading a row at a time matches every cell on its column's builder type and finds each field
//! through the row's field ends. Most rows of a large file are plain lines of the right width
//! loaded under [`TypeErrorPolicy::FallbackToString`], where no value can set its row aside: such
//! rows are gathered here (their field bounds only, the text stays in the input), then each column
//! is loaded by one loop specialised to its type. The rows go in as the row path would put them:
//! in order, and never across a batch boundary (a block is cut there).
//!
//! [`TypeErrorPolicy::FallbackToString`]: super::TypeErrorPolicy::FallbackToString

/// Rows per block: big enough that the per-column loops run long, small enough that the bounds
/// (8 bytes × (columns + 1) per row) stay in the L2 cache.
pub(super) const BLOCK_ROWS: usize = 1024;

/// The field bounds of up to [`BLOCK_ROWS`] lines of one input, `columns` fields each.
#[derive(Default)]
pub(super) struct LineBlock {
    columns: usize,
    /// Per line, `columns` pairs: field `c` is `input[start..end]`.
    bounds: Vec<(usize, usize)>,
    rows: usize,
    /// The line the last row ends on.
    last_line: u64,
}

impl LineBlock {
    /// Empties the block for lines of `columns` fields.
    pub(super) fn clear(&mut self, columns: usize) {
        self.columns = columns;
        self.bounds.clear();
        self.rows = 0;
    }

    pub(super) fn rows(&self) -> usize {
        self.rows
    }

    pub(super) fn last_line(&self) -> u64 {
        self.last_line
    }

    /// Adds the line starting at `start` in the input, with its field ends `ends` relative to
    /// that start (as [`super::split_line`] gives them, plus the line's length); `columns` of
    /// them.
    #[inline]
    pub(super) fn push_split(&mut self, start: usize, ends: &[usize], line: u64) {
        debug_assert_eq!(ends.len(), self.columns);
        let mut field_start = start;
        self.bounds.extend(ends.iter().map(|&e| {
            let field = (field_start, start + e);
            field_start = start + e + 1;
            field
        }));
        self.rows += 1;
        self.last_line = line;
    }

    /// Adds the line starting at `start` in the input, with its fields' bounds relative to that
    /// start (as [`split_simple_quoted_line`] gives them); `columns` of them.
    #[inline]
    pub(super) fn push_fields(&mut self, start: usize, fields: &[(usize, usize)], line: u64) {
        debug_assert_eq!(fields.len(), self.columns);
        self.bounds.extend(fields.iter().map(|&(a, b)| (start + a, start + b)));
        self.rows += 1;
        self.last_line = line;
    }

    /// The values of column `c`, row by row, in `input` (the text the lines were split from).
    #[inline(always)]
    pub(super) fn column<'a>(&'a self, input: &'a [u8], c: usize) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.bounds.chunks_exact(self.columns).map(move |row| &input[row[c].0..row[c].1])
    }
}

/// Splits the first line of `s` when every quoted field in it is simple: a quote, one or more
/// bytes that are no quote, line break or `escape`, and a quote right before a delimiter or the
/// line's end; csv-core reads such a field as the bytes between its quotes. Other fields have no
/// quote and no carriage return, and the line ends with a line feed (after at most one carriage
/// return). Returns the line feed's index, with each field's bounds in `fields` (cleared
/// first); `None` for any other line, which csv-core then reads (an empty `""` too: its raw text
/// decides whether it is null, see `mark_quoted_empty`).
///
/// A byte at a time: only lines with a quote come here ([`super::split_line`] takes the rest),
/// so that csv-core does not cut the column blocks at every `"gift, wrapped"`.
pub(super) fn split_simple_quoted_line(
    s: &[u8],
    delimiter: u8,
    quote: u8,
    escape: Option<u8>,
    fields: &mut Vec<(usize, usize)>,
) -> Option<usize> {
    fields.clear();
    let mut i = 0;
    loop {
        let (start, end);
        if s.get(i) == Some(&quote) {
            start = i + 1;
            end =
                start + s[start..].iter().position(|&b| b == quote || b == b'\n' || b == b'\r' || Some(b) == escape)?;
            if end == start || s[end] != quote {
                return None;
            }
            i = end + 1;
        } else {
            start = i;
            end = start + s[start..].iter().position(|&b| b == delimiter || b == quote || b == b'\n' || b == b'\r')?;
            if s[end] == quote {
                return None;
            }
            i = end;
        }
        fields.push((start, end));
        match *s.get(i)? {
            b if b == delimiter => i += 1,
            b'\n' => return Some(i),
            b'\r' if s.get(i + 1) == Some(&b'\n') => return Some(i + 1),
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_read_back_the_fields_of_each_line() {
        let input = b"a,bb,\r\n,1,22\n";
        let mut block = LineBlock::default();
        block.clear(3);
        block.push_split(0, &[1, 4, 5], 7);
        block.push_split(7, &[0, 2, 5], 8);
        assert_eq!((block.rows(), block.last_line()), (2, 8));
        let col = |c| block.column(input, c).collect::<Vec<_>>();
        assert_eq!(col(0), [&b"a"[..], b""]);
        assert_eq!(col(1), [&b"bb"[..], b"1"]);
        assert_eq!(col(2), [&b""[..], b"22"]);
        block.clear(2);
        assert_eq!(block.rows(), 0);
        assert_eq!(block.column(input, 0).count(), 0);
        block.push_fields(3, &[(0, 1), (3, 5)], 9);
        assert_eq!(block.column(b"xx,a,\"bc\"\n", 1).collect::<Vec<_>>(), [&b"bc"[..]]);
    }

    #[test]
    fn simple_quoted_lines_split_and_others_are_refused() {
        let split = |s: &[u8], escape| {
            let mut fields = Vec::new();
            split_simple_quoted_line(s, b',', b'"', escape, &mut fields).map(|nl| {
                (nl, fields.iter().map(|&(a, b)| String::from_utf8_lossy(&s[a..b]).into_owned()).collect::<Vec<_>>())
            })
        };
        let fields = |v: &[&str]| v.iter().map(|f| f.to_string()).collect::<Vec<_>>();
        assert_eq!(split(b"1,\"gift, wrapped\",\n2", None), Some((18, fields(&["1", "gift, wrapped", ""]))));
        assert_eq!(split(b"\"a\",b\r\n", None), Some((6, fields(&["a", "b"]))));
        assert_eq!(split(b"\"a\\b\"\n", None), Some((5, fields(&["a\\b"]))), "no escape byte: literal");
        assert_eq!(split(b",\"x\"\n", None), Some((4, fields(&["", "x"]))));
        for refused in [
            &b"1,\"\",3\n"[..], // quoted empty
            b"1,\"a\"\"b\"\n",  // doubled quote
            b"1,\"a\"b,3\n",    // text after the closing quote
            b"1,a\"b\"\n",      // quote inside a bare field
            b"1, \"a\"\n",      // quote after a space
            b"1,\"a\nb\"\n",    // line feed inside quotes
            b"1,\"a\rb\"\n",    // carriage return inside quotes
            b"1,\"a\"\rx\n",    // lone carriage return
            b"1,\"a\"",         // no line feed
            b"1,\"ab",          // unterminated
        ] {
            assert_eq!(split(refused, None), None, "{:?}", String::from_utf8_lossy(refused));
        }
        assert_eq!(split(b"\"a\\b\"\n", Some(b'\\')), None, "escape byte inside quotes");
    }
}
