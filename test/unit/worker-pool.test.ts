/**
 * Pooled worker threads (the mirror builds run on them): a warm thread keeps its loaded modules
 * for the next job, parallel jobs never wait for each other, and a job that fails, hangs or kills
 * its thread rejects without harming the next job. Real worker threads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkerPool } from '../../src-main/workers/pool.ts';
import { WorkerJobError } from '../../src-main/workers/run.ts';

const JOBS = new URL('../helpers/worker-jobs.ts', import.meta.url);

test('a warm thread runs the next job with its modules already loaded; idle threads beyond maxIdle end', async () => {
  const pool = new WorkerPool({ maxIdle: 1 });
  try {
    const a = await pool.run<{ threadId: number; calls: number }>(JOBS, 'whoAmI', []);
    const b = await pool.run<{ threadId: number; calls: number }>(JOBS, 'whoAmI', []);
    assert.equal(b.threadId, a.threadId, 'the same thread');
    assert.equal(b.calls, a.calls + 1, 'the module was not loaded again');
    assert.deepEqual(pool.size, { busy: 0, idle: 1 });
    // Three at once: none waits for another (three threads), then only one stays warm.
    const running = ['x', 'y', 'z'].map((v) => pool.run<string>(JOBS, 'sleepThen', [50, v]));
    assert.deepEqual(pool.size, { busy: 3, idle: 0 }, 'each job has its own thread at once');
    assert.deepEqual(await Promise.all(running), ['x', 'y', 'z']);
    assert.deepEqual(pool.size, { busy: 0, idle: 1 });
  } finally {
    await pool.close();
  }
  assert.deepEqual(pool.size, { busy: 0, idle: 0 });
});

test('a thrown error keeps its code and status; a hung job times out; a crashed thread rejects; the pool goes on', async () => {
  const pool = new WorkerPool({ maxIdle: 2 });
  try {
    await assert.rejects(pool.run(JOBS, 'fail', ['špatný vstup']), (e: unknown) => {
      assert.ok(e instanceof WorkerJobError);
      assert.equal(e.message, 'špatný vstup');
      assert.equal(e.failure.code, 'bad_input');
      assert.equal(e.failure.status, 422);
      return true;
    });
    await assert.rejects(pool.run(JOBS, 'spin', [], { timeoutMs: 300 }), /timed out after 300 ms/);
    await assert.rejects(pool.run(JOBS, 'crash', []), /exited with code 3/);
    await assert.rejects(pool.run(JOBS, 'nothing', []), /has no function nothing/);
    assert.equal(await pool.run<string>(JOBS, 'sleepThen', [1, 'dál']), 'dál');
    assert.equal(pool.size.busy, 0);
  } finally {
    await pool.close();
  }
});

test('a job with an affinity goes to the idle thread that last ran that key, not the last one idle', async () => {
  const pool = new WorkerPool({ maxIdle: 2 });
  try {
    type Who = { threadId: number; calls: number };
    const a = await pool.run<Who>(JOBS, 'whoAmI', [], { affinity: 'deska-a' });
    // Two at once: a second thread starts; it ends its job last, so it is the one on top of the idle list.
    const [, other] = await Promise.all([pool.run<string>(JOBS, 'sleepThen', [10, 'x']), pool.run<string>(JOBS, 'sleepThen', [80, 'y'])]);
    assert.equal(other, 'y');
    assert.deepEqual(pool.size, { busy: 0, idle: 2 });
    const plain = await pool.run<Who>(JOBS, 'whoAmI', []);
    assert.notEqual(plain.threadId, a.threadId, 'without a key: the last idle thread, another one');
    const b = await pool.run<Who>(JOBS, 'whoAmI', [], { affinity: 'deska-a' });
    assert.equal(b.threadId, a.threadId, 'with the key: the thread that ran it before (not the one on top)');
  } finally {
    await pool.close();
  }
});
