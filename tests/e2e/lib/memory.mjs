// Memory of the browser under test, for the benchmarks.
import fs from 'node:fs';

/** Resident memory of every Chromium process on the machine, summed (bytes). */
export function chromiumRssBytes() {
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!/^Name:\s+(chromium|chrome)/m.test(status)) continue;
      const m = status.match(/^VmRSS:\s+(\d+) kB/m);
      if (m) total += Number(m[1]) * 1024;
    } catch {
      /* the process ended */
    }
  }
  return total;
}

/**
 * CPU seconds used so far by every Web Worker thread of Chromium, keyed by "pid/tid". A worker's
 * CPU time barely moves when other programs compete for the cores, unlike its wall time, so two
 * builds can be compared on a busy machine.
 */
export function workerCpuSeconds() {
  const ticks = 100; // USER_HZ on Linux
  const out = new Map();
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let tids;
    try {
      if (!/^(chromium|chrome)/.test(fs.readFileSync(`/proc/${pid}/comm`, 'utf8'))) continue;
      tids = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (!name.startsWith('DedicatedWorker')) continue;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.set(`${pid}/${tid}`, (Number(fields[11]) + Number(fields[12])) / ticks);
      } catch {
        /* the thread ended */
      }
    }
  }
  return out;
}

/** Per worker thread, the CPU seconds used between two `workerCpuSeconds()` readings, largest first. */
export function workerCpuDelta(before, after) {
  return [...after].map(([k, v]) => v - (before.get(k) ?? 0)).filter((d) => d > 0).sort((a, b) => b - a);
}
