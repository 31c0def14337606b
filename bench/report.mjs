// Shared helpers of the benchmarks: percentiles, a machine description, and writing a
// named section of docs/benchmarks.md so each benchmark owns its part of the file.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const doc = join(import.meta.dirname, '..', 'docs', 'benchmarks.md');

/** The q-quantile of sorted samples (nearest rank). */
export function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** One line describing where the figures were measured. */
export function machineLine() {
  const cpu = cpus();
  return `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}.`;
}

/** Replaces the text between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`. */
export function writeSection(name, body) {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const text = readFileSync(doc, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`${doc} has no ${start} … ${end} markers`);
  writeFileSync(doc, `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`);
}
