/**
 * CPU priority of the calling worker thread. On Linux a thread has its own nice value: a large
 * mirror build or a certificate then takes the cores only when the schedule's main thread and the
 * small boards' builds leave them idle. Elsewhere (or where /proc is missing) it does nothing.
 * A thread can only lower its priority, never raise it back, so pools keep niced threads apart.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

export function lowerThreadPriority(nice: number): void {
  if (nice <= 0 || process.platform !== 'linux') return;
  try {
    // "/proc/thread-self" → "<pid>/task/<tid>"; setpriority(PRIO_PROCESS, tid) applies to that thread only.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // Not permitted or no /proc: the job runs at normal priority.
  }
}
