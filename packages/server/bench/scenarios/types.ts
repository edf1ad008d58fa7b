/** Options every scenario gets from the command line (`pnpm bench -- <scenario> --key value`). */
export interface BenchOptions {
  /** Timestamp of this run, used in file names. */
  stamp: string;
  /** `--key value` / `--flag` pairs, as given. */
  args: Record<string, string | true>;
  /** Progress line on stderr (stdout is kept for the results). */
  log(msg: string): void;
  /**
   * `--smoke`: a short run for CI, correctness only. The scenario's `smokeArgs` set small counts, and
   * waits that only serve the figures (PostgreSQL statistics settling) are skipped.
   */
  smoke: boolean;
}

export interface ScenarioOutcome {
  /** The table printed on stdout. */
  text: string;
  /**
   * Hard failures: a broken invariant, a 5xx, a time-out, an unanswered request, a crashed process.
   * Any makes `pnpm bench` exit 1.
   */
  failures: string[];
  /** PRODUCT.md targets that were measured and missed (exit 1 only with `--strict`). */
  missedTargets: string[];
  /** Everything measured, written to bench-results/<scenario>-<stamp>.json. */
  data: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  title: string;
  /** One line per option the scenario reads, for `--help`. */
  options: string[];
  /** Small counts for `--smoke` (options given on the command line still win). */
  smokeArgs: Record<string, string>;
  run(opts: BenchOptions): Promise<ScenarioOutcome>;
}

/** `--name 123` as a number, else the default. */
export function numArg(opts: BenchOptions, name: string, def: number): number {
  const v = opts.args[name];
  if (v === undefined || v === true) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number ≥ 0`);
  return n;
}
