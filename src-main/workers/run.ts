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
  /**
   * Nice value of the thread on Linux (default REQUEST_NICE): request-driven work (certificates,
   * PDF checks) gives way to the schedule's main thread and to the mirror builds of its instants.
   */
  nice?: number;
}

/** Default CPU priority of runInWorker jobs (see priority.ts). */
export const REQUEST_NICE = 5;

/** What entry.ts receives. */
export interface WorkerJob {
  module: string;
  exportName: string;
  args: unknown[];
  nice?: number;
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
    const job: WorkerJob = { module: moduleUrl.href, exportName, args, nice: o.nice ?? REQUEST_NICE };
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

/**
 * At most `max` jobs at once; the others wait their turn in order. Request-driven worker jobs
 * (certificates, PDF checks of uploads) share one such limit: every job is a thread with its own
 * heap (30 certificates at once took the publisher from 155 MB to 1.9 GB), and a caller who
 * sends many at once must not take the memory and both cores the schedule needs.
 */
export class WorkerLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  /** Jobs running now and waiting for a slot. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    else this.running++;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** The limit shared by worker jobs that requests start (certificates, PDF checks of uploads). */
export const requestWorkers = new WorkerLimit(2);
