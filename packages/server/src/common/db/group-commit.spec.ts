import { describe, expect, it } from '@jest/globals';
import { GroupCommitter } from './group-commit.js';

/** A commit that can be finished by hand, so a test decides exactly what is in flight when. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((r) => (open = r));
  return { done, open };
}

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('GroupCommitter', () => {
  it('runs a job alone at once when nothing is in flight, and groups the ones that wait', async () => {
    const calls: string[] = [];
    const first = gate();
    const c = new GroupCommitter<number, string>({
      maxGroup: 10,
      groupsInFlight: 1,
      runAlone: async (j) => {
        calls.push(`alone ${j}`);
        if (j === 0) await first.done;
        return `a${j}`;
      },
      commitGroup: async (jobs) => {
        calls.push(`group ${jobs.join(',')}`);
        return jobs.map((j) => `g${j}`);
      },
    });
    const p0 = c.submit(0);
    const rest = [1, 2, 3].map((j) => c.submit(j));
    expect(c.waiting).toBe(3);
    first.open();
    expect(await Promise.all([p0, ...rest])).toEqual(['a0', 'g1', 'g2', 'g3']);
    expect(calls).toEqual(['alone 0', 'group 1,2,3']);
    expect(c.stats).toEqual({ groups: 1, groupedJobs: 3, alone: 1, failedGroups: 0 });
  });

  it('with minGroupWhileBusy, does not spend a second slot on a lone job while a group is in flight', async () => {
    const sizes: number[] = [];
    const gates: Array<ReturnType<typeof gate>> = [];
    const c = new GroupCommitter<number, number>({
      maxGroup: 8,
      groupsInFlight: 2,
      minGroupWhileBusy: 3,
      runAlone: async (j) => {
        sizes.push(1);
        const g = gate();
        gates.push(g);
        await g.done;
        return j;
      },
      commitGroup: async (jobs) => {
        sizes.push(jobs.length);
        const g = gate();
        gates.push(g);
        await g.done;
        return jobs;
      },
    });
    const results: Array<Promise<number>> = [c.submit(0)];
    // One slot is busy with job 0; a single arrival must wait instead of taking the second slot.
    results.push(c.submit(1));
    expect(sizes).toEqual([1]);
    expect(c.waiting).toBe(1);
    // Two more arrive: now three wait, which is enough for a second group while the first is in flight.
    results.push(c.submit(2), c.submit(3));
    expect(sizes).toEqual([1, 3]);
    expect(c.waiting).toBe(0);
    // A lone arrival waits while any group is in flight, and goes once none is (at most one commit's wait).
    results.push(c.submit(4));
    gates[0].open();
    await turn();
    expect(sizes).toEqual([1, 3]);
    gates[1].open();
    await turn();
    expect(sizes).toEqual([1, 3, 1]);
    gates[2].open();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
    expect(c.stats).toEqual({ groups: 1, groupedJobs: 3, alone: 2, failedGroups: 0 });
  });

  it('without it (the default), a lone arrival takes a free slot at once', async () => {
    const sizes: number[] = [];
    const hold = gate();
    const c = new GroupCommitter<number, number>({
      maxGroup: 8,
      groupsInFlight: 2,
      runAlone: async (j) => (sizes.push(1), await hold.done, j),
      commitGroup: async (jobs) => (sizes.push(jobs.length), await hold.done, jobs),
    });
    const results = [c.submit(0), c.submit(1)];
    expect(sizes).toEqual([1, 1]);
    hold.open();
    expect(await Promise.all(results)).toEqual([0, 1]);
  });

  it('runs every job of a failed group alone, and the ones a group left out', async () => {
    const hold = gate();
    const failed: number[][] = [];
    let groups = 0;
    const c = new GroupCommitter<number, number>({
      maxGroup: 8,
      groupsInFlight: 1,
      runAlone: async (j) => {
        if (j === 0) await hold.done;
        if (j === 5) throw new Error('five is refused');
        return j * 10;
      },
      commitGroup: async (jobs) => {
        groups++;
        if (groups === 1) throw new Error('unique violation');
        return jobs.map((j) => (j % 2 ? undefined : j));
      },
      onGroupFailed: (_err, jobs) => failed.push(jobs),
    });
    const first = c.submit(0);
    const a = [1, 2, 5].map((j) => c.submit(j).catch((e: Error) => e.message));
    hold.open();
    expect(await first).toBe(0);
    expect(await Promise.all(a)).toEqual([10, 20, 'five is refused']);
    expect(failed).toEqual([[1, 2, 5]]);
    // Second round: the group commits the even job and leaves the odd ones to run alone.
    const held = gate();
    const c2 = new GroupCommitter<number, number>({
      maxGroup: 8,
      groupsInFlight: 1,
      runAlone: async (j) => (j === 0 ? (await held.done, 0) : j * 10),
      commitGroup: async (jobs) => jobs.map((j) => (j % 2 ? undefined : j)),
    });
    const z = c2.submit(0);
    const b = [1, 2, 3].map((j) => c2.submit(j));
    held.open();
    expect([await z, ...(await Promise.all(b))]).toEqual([0, 10, 2, 30]);
    expect(c2.stats).toEqual({ groups: 1, groupedJobs: 1, alone: 3, failedGroups: 0 });
    expect(c.stats.failedGroups).toBe(1);
  });
});
