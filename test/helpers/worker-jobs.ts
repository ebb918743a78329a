/** Jobs for the worker-pool tests, run in worker threads (each thread keeps its own module state). */
import { threadId } from 'node:worker_threads';

let calls = 0;

/** Which thread ran the job, and how many jobs this module instance has run there. */
export function whoAmI(): { threadId: number; calls: number } {
  calls++;
  return { threadId, calls };
}

export async function sleepThen(ms: number, value: string): Promise<string> {
  await new Promise((r) => setTimeout(r, ms));
  return value;
}

export function fail(message: string): never {
  throw Object.assign(new Error(message), { code: 'bad_input', status: 422 });
}

/** Spins forever: the pool must end the thread at the job's time limit. */
export function spin(): never {
  for (;;) {
    /* busy */
  }
}

/** Ends the thread from inside, as a crash would. */
export function crash(): never {
  process.exit(3);
}
