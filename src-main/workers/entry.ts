/** Worker-thread entry for runInWorker (run.ts): imports the module, calls the export, posts the result. */
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from './priority.ts';
import type { WorkerJob } from './run.ts';

const job = workerData as WorkerJob;
lowerThreadPriority(job.nice ?? 0);
try {
  const mod = (await import(job.module)) as Record<string, unknown>;
  const fn = mod[job.exportName];
  if (typeof fn !== 'function') throw new Error(`${job.module} has no function ${job.exportName}`);
  const value: unknown = await (fn as (...a: unknown[]) => unknown)(...job.args);
  parentPort!.postMessage({ ok: true, value });
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  const { code, status } = err as Error & { code?: unknown; status?: unknown };
  parentPort!.postMessage({ ok: false, error: err.message, name: err.name, code, status });
}
