/**
 * Worker threads that stay alive between jobs. A fresh thread per job (runInWorker) costs a new
 * V8 isolate and a fresh load of every module the job imports: about 100 ms here before the job
 * does any work, and several times that when the cores are busy. A mirror build runs at every
 * posting and removal instant, so that start-up was most of a small board's mirror lateness.
 *
 * The pool never makes a job wait for another: a job takes an idle thread or starts a new one
 * (callers bound concurrency themselves: the mirror runs one build per board at a time). Up to
 * `maxIdle` threads are kept warm after their job; an idle thread ends after `idleMs` and never
 * keeps the process alive. A job that throws rejects with WorkerJobError; a thread that dies,
 * runs out of heap or passes its time limit rejects its job and is replaced by a fresh one later.
 */
import { Worker } from 'node:worker_threads';
import { WorkerJobError, type WorkerFailure } from './run.ts';

export interface WorkerPoolOptions {
  /** Threads kept alive while idle (default 2). */
  maxIdle?: number;
  /** An idle thread ends after this long (default 60 s). */
  idleMs?: number;
  /** Heap limit of each thread, MB (default 512). */
  maxHeapMb?: number;
  /** Nice value of the threads on Linux (default 0; higher runs only when the cores are free). */
  nice?: number;
}

/** What pool-entry.ts receives for one job. */
export interface PoolJob {
  id: number;
  module: string;
  exportName: string;
  args: unknown[];
}

type Reply = { id: number } & ({ ok: true; value: unknown } | ({ ok: false } & WorkerFailure));

interface Slot {
  worker: Worker;
  /** The job running on it, if any. */
  job: { id: number; done(r: Reply | Error): void } | null;
  idleTimer: NodeJS.Timeout | null;
}

const ENTRY = new URL('./pool-entry.ts', import.meta.url);

export class WorkerPool {
  private readonly maxIdle: number;
  private readonly idleMs: number;
  private readonly maxHeapMb: number;
  private readonly nice: number;
  private readonly idle: Slot[] = [];
  private readonly busy = new Set<Slot>();
  /** Affinity key → the thread that last ran a job with it (run's `affinity`). */
  private readonly owners = new Map<string, Slot>();
  private nextId = 1;

  constructor(o: WorkerPoolOptions = {}) {
    this.maxIdle = o.maxIdle ?? 2;
    this.idleMs = o.idleMs ?? 60_000;
    this.maxHeapMb = o.maxHeapMb ?? 512;
    this.nice = o.nice ?? 0;
  }

  /** Threads alive now: running a job, and idle. */
  get size(): { busy: number; idle: number } {
    return { busy: this.busy.size, idle: this.idle.length };
  }

  /**
   * Calls `exportName(...args)` from `moduleUrl` on a pooled thread. Arguments and the result
   * travel by structured clone (plain data, Uint8Array, Map …; no functions or class instances).
   * `affinity`: the job goes to the thread that last ran a job with the same key when that thread
   * is idle (what a thread remembers between jobs, e.g. the mirror's fast path, is then found).
   */
  run<T>(moduleUrl: URL, exportName: string, args: unknown[], o: { timeoutMs?: number; affinity?: string } = {}): Promise<T> {
    const slot = this.take(o.affinity);
    if (o.affinity !== undefined) this.owners.set(o.affinity, slot);
    const id = this.nextId++;
    const timeoutMs = o.timeoutMs ?? 300_000;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.discard(slot);
        reject(new Error(`worker job ${exportName} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      slot.job = {
        id,
        done: (r) => {
          clearTimeout(timer);
          slot.job = null;
          if (r instanceof Error) return reject(r);
          this.release(slot);
          if (r.ok) resolve(r.value as T);
          else reject(new WorkerJobError(r));
        },
      };
      const job: PoolJob = { id, module: moduleUrl.href, exportName, args };
      slot.worker.postMessage(job);
    });
  }

  /** Ends every idle thread (busy ones end when their job does). */
  async close(): Promise<void> {
    const idle = this.idle.splice(0);
    await Promise.all(idle.map((s) => this.end(s)));
  }

  private take(affinity?: string): Slot {
    const owner = affinity === undefined ? undefined : this.owners.get(affinity);
    const at = owner === undefined ? -1 : this.idle.indexOf(owner);
    const slot = (at >= 0 ? this.idle.splice(at, 1)[0] : this.idle.pop()) ?? this.spawn();
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    slot.worker.ref();
    this.busy.add(slot);
    return slot;
  }

  private spawn(): Slot {
    const worker = new Worker(ENTRY, { workerData: { nice: this.nice }, resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb } });
    const slot: Slot = { worker, job: null, idleTimer: null };
    worker.on('message', (m: Reply) => {
      if (slot.job && slot.job.id === m.id) slot.job.done(m);
    });
    const lost = (why: Error): void => {
      this.forget(slot);
      slot.job?.done(why);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`worker thread exited with code ${code}`)));
    return slot;
  }

  /** After a job: keep the thread warm, or end it when enough are idle already. */
  private release(slot: Slot): void {
    this.busy.delete(slot);
    if (this.idle.length >= this.maxIdle) {
      void this.end(slot);
      return;
    }
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => {
      const i = this.idle.indexOf(slot);
      if (i >= 0) this.idle.splice(i, 1);
      void this.end(slot);
    }, this.idleMs);
    slot.idleTimer.unref();
    this.idle.push(slot);
  }

  /** A thread whose job timed out: its state is unknown, so it ends. */
  private discard(slot: Slot): void {
    slot.job = null;
    this.forget(slot);
    void slot.worker.terminate();
  }

  private forget(slot: Slot): void {
    this.busy.delete(slot);
    for (const [key, s] of this.owners) if (s === slot) this.owners.delete(key);
    const i = this.idle.indexOf(slot);
    if (i >= 0) this.idle.splice(i, 1);
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
  }

  private async end(slot: Slot): Promise<void> {
    this.forget(slot);
    slot.worker.removeAllListeners('exit');
    slot.worker.on('exit', () => undefined);
    await slot.worker.terminate();
  }
}
