/**
 * A data folder is used by one publisher at a time. The lock file DATA/publisher.lock names the
 * process holding it; a lock left by a process that no longer runs (kill -9, power loss) is
 * stale and taken over. `deska restore` refuses while a live publisher holds the folder: it
 * would keep writing into the folder moved aside.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'publisher.lock';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process holding the folder, or null (no lock, a stale one, or one from another host that cannot be checked is reported as held). */
export function dataLockHolder(dataDir: string): LockHolder | null {
  const file = join(dataDir, LOCK_FILE);
  if (!existsSync(file)) return null;
  let h: Partial<LockHolder>;
  try {
    h = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
  } catch {
    return null; // a torn lock file from a crash: nobody can be holding it
  }
  if (typeof h.pid !== 'number' || typeof h.host !== 'string' || typeof h.startedAt !== 'string') return null;
  if (h.host === hostname() && !alive(h.pid)) return null;
  return { pid: h.pid, host: h.host, startedAt: h.startedAt };
}

/** Takes the folder for this process; throws a Czech message when another live publisher has it. */
export function acquireDataLock(dataDir: string, now: number): { release(): void } {
  const holder = dataLockHolder(dataDir);
  if (holder && !(holder.pid === process.pid && holder.host === hostname())) {
    throw new Error(
      `Složku dat ${dataDir} už používá jiný běžící publisher (PID ${holder.pid} na ${holder.host}, od ${holder.startedAt}). Dva publishery nad jednou složkou by si přepisovaly data; ukončete ten první.`,
    );
  }
  const file = join(dataDir, LOCK_FILE);
  writeFileSync(file, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date(now).toISOString() }) + '\n');
  return {
    release() {
      const h = dataLockHolder(dataDir);
      if (h && h.pid === process.pid && h.host === hostname()) rmSync(file, { force: true });
    },
  };
}
