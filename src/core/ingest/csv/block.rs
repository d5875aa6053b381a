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
    /// Per line, `columns + 1` cuts: field `c` is `input[cuts[c]..cuts[c + 1] - 1]` (the `- 1`
    /// drops the delimiter after a field, or the line break after the last one).
    cuts: Vec<usize>,
    rows: usize,
    /// The line the last row ends on.
    last_line: u64,
}

impl LineBlock {
    /// Empties the block for lines of `columns` fields.
    pub(super) fn clear(&mut self, columns: usize) {
        self.columns = columns;
        self.cuts.clear();
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
    pub(super) fn push(&mut self, start: usize, ends: &[usize], line: u64) {
        debug_assert_eq!(ends.len(), self.columns);
        self.cuts.push(start);
        self.cuts.extend(ends.iter().map(|&e| start + e + 1));
        self.rows += 1;
        self.last_line = line;
    }

    /// The values of column `c`, row by row, in `input` (the text the lines were split from).
    #[inline(always)]
    pub(super) fn column<'a>(&'a self, input: &'a [u8], c: usize) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.cuts.chunks_exact(self.columns + 1).map(move |cuts| &input[cuts[c]..cuts[c + 1] - 1])
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
        block.push(0, &[1, 4, 5], 7);
        block.push(7, &[0, 2, 5], 8);
        assert_eq!((block.rows(), block.last_line()), (2, 8));
        let col = |c| block.column(input, c).collect::<Vec<_>>();
        assert_eq!(col(0), [&b"a"[..], b""]);
        assert_eq!(col(1), [&b"bb"[..], b"1"]);
        assert_eq!(col(2), [&b""[..], b"22"]);
        block.clear(2);
        assert_eq!(block.rows(), 0);
        assert_eq!(block.column(input, 0).count(), 0);
    }
}
