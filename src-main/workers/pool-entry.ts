/**
 * Entry of a pooled worker thread (pool.ts): stays alive between jobs, so the modules a job
 * imports are loaded once per thread, not once per job. One job at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PoolJob } from './pool.ts';
import { lowerThreadPriority } from './priority.ts';

lowerThreadPriority((workerData as { nice: number }).nice);

parentPort!.on('message', (job: PoolJob) => {
  void (async () => {
    try {
      const mod = (await import(job.module)) as Record<string, unknown>;
      const fn = mod[job.exportName];
      if (typeof fn !== 'function') throw new Error(`${job.module} has no function ${job.exportName}`);
      const value: unknown = await (fn as (...a: unknown[]) => unknown)(...job.args);
      parentPort!.postMessage({ id: job.id, ok: true, value });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const { code, status } = err as Error & { code?: unknown; status?: unknown };
      parentPort!.postMessage({ id: job.id, ok: false, error: err.message, name: err.name, code, status });
    }
  })();
});
