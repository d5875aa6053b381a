// Paths to committed fixtures and generators for large files made at test time.
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DATA = path.resolve(here, '../../data');
export const fixture = (...p) => path.join(DATA, ...p);

/** A CSV of `rows` rows written to a temp file (for progress and cancel tests). */
export function bigCsv(rows) {
  const file = path.join(os.tmpdir(), `strata-e2e-${rows}.csv`);
  if (fs.existsSync(file)) return file;
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, 'id,amount,category,day,email\n');
  const cats = ['books', 'games', 'garden', 'tools'];
  let buf = '';
  for (let i = 0; i < rows; i++) {
    buf += `${i},${(i % 997) * 1.25},${cats[i % 4]},2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')},user${i}@example.com\n`;
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
  return file;
}
