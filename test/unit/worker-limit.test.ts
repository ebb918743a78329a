/**
 * Request-driven worker jobs share a limit: at most `max` run at once, the others wait in order,
 * and a job that fails frees its slot. Real worker threads run the jobs (runInWorker).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInWorker, WorkerLimit } from '../../src-main/workers/run.ts';

test('at most max jobs run at once; the rest wait their turn in order; a failure frees its slot', async () => {
  const limit = new WorkerLimit(2);
  const started: number[] = [];
  const releases: (() => void)[] = [];
  const job = (i: number, fail = false) =>
    limit.run(async () => {
      started.push(i);
      await new Promise<void>((r) => releases.push(r));
      if (fail) throw new Error(`job ${i} failed`);
      return i;
    });
  const jobs = [job(1, true), job(2), job(3), job(4)];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [1, 2]);
  assert.deepEqual(limit.load, { running: 2, waiting: 2 });
  releases[0]!(); // job 1 fails
  await assert.rejects(jobs[0]!, /job 1 failed/);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [1, 2, 3]);
  releases[1]!();
  releases[2]!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [1, 2, 3, 4]);
  releases[3]!();
  assert.deepEqual(await Promise.all(jobs.slice(1)), [2, 3, 4]);
  assert.deepEqual(limit.load, { running: 0, waiting: 0 });
});

test('worker threads behind the limit: six jobs, never more than two at once, every result arrives', async () => {
  const limit = new WorkerLimit(2);
  let peak = 0;
  const results = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      limit.run(async () => {
        peak = Math.max(peak, limit.load.running);
        return runInWorker<string>(new URL('../../src-main/shared/zone.ts', import.meta.url), 'toOffsetIso', [Date.UTC(2026, 10, 21, 7, i), 'Europe/Prague']);
      }),
    ),
  );
  assert.equal(peak, 2);
  assert.deepEqual(results, [0, 1, 2, 3, 4, 5].map((i) => `2026-11-21T08:0${i}:00+01:00`));
});
