// Where the benchmarks find the repository, the release `strata` binary and their data.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
/** The release command-line binary (`STRATA_BIN` overrides), used to generate the tables. */
export const strataBin = process.env.STRATA_BIN || path.join(targetDir, 'release', 'strata');
/** Generated tables and results (`STRATA_BENCH_DIR`, default /tmp/strata-bench), created on import. */
export const dataDir = process.env.STRATA_BENCH_DIR || '/tmp/strata-bench';
fs.mkdirSync(dataDir, { recursive: true });
