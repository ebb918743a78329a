/**
 * CPU-heavy work off the main event loop: runs one exported function of a module in a fresh
 * worker thread and resolves with its result. The schedule owns the main thread (posting and
 * removal instants must never wait for a certificate, a PDF parse or a mirror build), so every
 * such job goes through here. A worker that throws, dies or runs past its time limit rejects
 * the promise; it never takes the process down.
 */
import { Worker } from 'node:worker_threads';

export interface WorkerJobOptions {
  /** Terminate the worker and reject after this long (default 5 minutes). */
  timeoutMs?: number;
  /** Heap limit of the worker, MB (default 512). */
  maxHeapMb?: number;
}

/** What entry.ts receives. */
export interface WorkerJob {
  module: string;
  exportName: string;
  args: unknown[];
}

/** How a job failed inside the worker: the thrown error's message, name and, where set, code and status. */
export interface WorkerFailure {
  error: string;
  name: string;
  code?: unknown;
  status?: unknown;
}

/** A job's own error, carried back from the worker (a DomainError keeps its code and status here). */
export class WorkerJobError extends Error {
  override name = 'WorkerJobError';
  readonly failure: WorkerFailure;
  constructor(f: WorkerFailure) {
    super(f.error);
    this.failure = f;
  }
}

const ENTRY = new URL('./entry.ts', import.meta.url);

/**
 * Calls `exportName(...args)` from `moduleUrl` in a worker thread. Arguments and the result
 * travel by structured clone (plain data, Uint8Array, Map …; no functions or class instances).
 */
export function runInWorker<T>(moduleUrl: URL, exportName: string, args: unknown[], o: WorkerJobOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const job: WorkerJob = { module: moduleUrl.href, exportName, args };
    const worker = new Worker(ENTRY, { workerData: job, resourceLimits: { maxOldGenerationSizeMb: o.maxHeapMb ?? 512 } });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(
      () => settle(() => reject(new Error(`worker job ${exportName} timed out after ${o.timeoutMs ?? 300_000} ms`))),
      o.timeoutMs ?? 300_000,
    );
    worker.once('message', (m: { ok: true; value: T } | ({ ok: false } & WorkerFailure)) =>
      settle(() => (m.ok ? resolve(m.value) : reject(new WorkerJobError(m)))),
    );
    worker.once('error', (e) => settle(() => reject(e)));
    worker.once('exit', (code) => settle(() => reject(new Error(`worker job ${exportName} exited with code ${code}`))));
  });
}
