/**
 * Group commit: concurrent writes of the same kind share one transaction, so PostgreSQL flushes its
 * WAL once for the whole group instead of once per request (on this machine the flush, not the SQL,
 * is what limits a busy hot path: docs/performance.md). Each job keeps its own answer.
 *
 * No timer: a job waits only while `groupsInFlight` groups are already being committed; alone, it
 * runs at once through `runAlone`, exactly as without grouping. Under load the queue fills while
 * groups are in flight and the next group takes up to `maxGroup` jobs. If a group fails (a unique
 * key, a lock wait, anything), its transaction rolled back and wrote nothing, so every job of it is
 * run again alone, which gives each its exact answer or its own coded error. A group may also leave
 * some jobs out (say, a trip without seats for all of the group's orders on it): those run alone.
 */
export interface GroupCommitOptions<J, R> {
  /** Most jobs one group commits. */
  maxGroup: number;
  /** Groups being committed at the same time (each holds one pooled connection). */
  groupsInFlight: number;
  /**
   * While a group is already in flight, the next one starts only once this many jobs wait (default
   * 1). Without it, a job arriving just after a group left would start at once as a group of one and
   * hold a second slot for a full transaction, so under load half the slots carried a single job.
   * With nothing in flight a job always starts at once (no timer, no added latency when idle).
   */
  minGroupWhileBusy?: number;
  /**
   * Commits the jobs in ONE transaction (or statement) and returns each job's result, in the jobs'
   * order; `undefined` for a job the group left out (it then runs alone, after the commit). Throws
   * only if nothing was committed.
   */
  commitGroup(jobs: J[]): Promise<Array<R | undefined>>;
  /** One job on its own (its own transaction or statement): the exact answer, or its error. */
  runAlone(job: J): Promise<R>;
  /** Told when a group rolled back and its jobs are run alone (for the log). */
  onGroupFailed?(err: unknown, jobs: J[]): void;
}

/** What a committer has done since it was made (counters for metrics and the bench). */
export interface GroupCommitStats {
  /** Transactions that committed two or more jobs together. */
  groups: number;
  /** Jobs committed by those groups. */
  groupedJobs: number;
  /** Jobs run alone (nothing else was waiting, a group left them out, or their group failed). */
  alone: number;
  /** Groups that rolled back (their jobs then ran alone). */
  failedGroups: number;
}

interface Queued<J, R> {
  job: J;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

/** A queue that commits jobs in groups; see GroupCommitOptions. */
export class GroupCommitter<J, R> {
  private readonly queue: Array<Queued<J, R>> = [];
  private inFlight = 0;
  private readonly counts: GroupCommitStats = { groups: 0, groupedJobs: 0, alone: 0, failedGroups: 0 };

  constructor(private readonly opts: GroupCommitOptions<J, R>) {
    if (opts.maxGroup < 1 || opts.groupsInFlight < 1) throw new Error('GroupCommitter: maxGroup and groupsInFlight must be ≥ 1');
  }

  /** Queues a job; resolves with its result once its group (or the job alone) has committed. */
  submit(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  /** Jobs waiting for a group (for metrics and tests). */
  get waiting(): number {
    return this.queue.length;
  }

  /** Counters since start (a copy). */
  get stats(): GroupCommitStats {
    return { ...this.counts };
  }

  private pump(): void {
    const minWhileBusy = this.opts.minGroupWhileBusy ?? 1;
    while (this.inFlight < this.opts.groupsInFlight && this.queue.length && (this.inFlight === 0 || this.queue.length >= minWhileBusy)) {
      const group = this.queue.splice(0, this.opts.maxGroup);
      this.inFlight++;
      void this.commit(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async commit(group: Array<Queued<J, R>>): Promise<void> {
    const alone = (q: Queued<J, R>) => this.runAlone(q);
    if (group.length === 1) return alone(group[0]);
    let results: Array<R | undefined>;
    try {
      results = await this.opts.commitGroup(group.map((q) => q.job));
      if (results.length !== group.length) throw new Error(`group commit returned ${results.length} results for ${group.length} jobs`);
    } catch (err) {
      this.counts.failedGroups++;
      this.opts.onGroupFailed?.(err, group.map((q) => q.job));
      await Promise.all(group.map(alone));
      return;
    }
    const committed = results.filter((r) => r !== undefined).length;
    if (committed) {
      this.counts.groups++;
      this.counts.groupedJobs += committed;
    }
    await Promise.all(group.map((q, i) => {
      const result = results[i];
      return result === undefined ? alone(q) : q.resolve(result);
    }));
  }

  private async runAlone(q: Queued<J, R>): Promise<void> {
    this.counts.alone++;
    try {
      q.resolve(await this.opts.runAlone(q.job));
    } catch (err) {
      q.reject(err);
    }
  }
}
