import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { RESULTS_DIR, SERVER_DIR } from './proc.js';

/** Formats a number with thousands separators (and `digits` decimals). */
export function num(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `a / b` as "0.42×" (how the measured figure compares with its floor). */
export function ratio(a: number | null | undefined, b: number | null | undefined): string {
  if (a === null || a === undefined || b === null || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '–';
  const r = a / b;
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

/** A plain text table: first row is the header; numeric-looking cells are right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const isNum = (s: string) => /^[-–0-9.,×%]+( ms)?$/.test(s.trim());
  const line = (r: string[]) => r.map((cell, c) => (c > 0 && isNum(cell) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The machine a run was measured on (recorded with every result). */
export function machine() {
  const c = cpus();
  return {
    cores: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    freeMemoryGb: Math.round(freemem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    /** 1, 5 and 15-minute load averages when the run started: above ~1 the machine was not quiet. */
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

/** Writes `bench-results/<scenario>-<timestamp>.json`; returns its path. */
export function writeResult(scenario: string, stamp: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${scenario}-${stamp}.json`);
  writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
  return file;
}

/** A file-name-safe timestamp: 2026-11-24T10-31-05Z. */
export function stampOf(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/** The code that was measured: commit, and how many files under packages/server/src differ from it. */
export function revision(): { commit: string | null; uncommittedServerFiles: number | null } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: SERVER_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src');
    return { commit, uncommittedServerFiles: dirty ? dirty.split('\n').length : 0 };
  } catch {
    return { commit: null, uncommittedServerFiles: null };
  }
}
