/**
 * A data folder is used by one publisher at a time. The lock file DATA/publisher.lock names the
 * process holding it; a lock left by a process that no longer runs (kill -9, power loss) is
 * stale and taken over. `deska restore` refuses while a live publisher holds the folder: it
 * would keep writing into the folder moved aside.
 */
import { existsSync, linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

function heldMessage(dataDir: string, h: LockHolder): string {
  return `Složku dat ${dataDir} už používá jiný běžící publisher (PID ${h.pid} na ${h.host}, od ${h.startedAt}). Dva publishery nad jednou složkou by si přepisovaly data; ukončete ten první.`;
}

/**
 * Takes the folder for this process; throws a Czech message when another live publisher has it.
 * The lock file is created exclusively (`wx`), so of two processes starting at once exactly one
 * wins. A stale lock (its process is gone) is first renamed aside, which only one contender can
 * do, and the renamed file is checked to be the stale one that was judged; a fresh lock taken
 * by a faster contender in between is put back. A lock file without readable content that is
 * younger than 2 s is another process between its create and its write: wait for it.
 */
export function acquireDataLock(dataDir: string, now: number): { release(): void } {
  const file = join(dataDir, LOCK_FILE);
  const content = JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date(now).toISOString() }) + '\n';
  const lock = {
    release() {
      const h = dataLockHolder(dataDir);
      if (h && h.pid === process.pid && h.host === hostname()) rmSync(file, { force: true });
    },
  };
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      writeFileSync(file, content, { flag: 'wx' });
      return lock;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let seen: string;
    try {
      seen = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile
      throw e;
    }
    const holder = dataLockHolder(dataDir);
    if (holder) {
      if (holder.pid === process.pid && holder.host === hostname()) {
        writeFileSync(file, content);
        return lock;
      }
      // Read again: the holder may have been judged from a newer file than `seen`.
      if (readFileSync(file, 'utf8') === seen || holder.host !== hostname()) throw new Error(heldMessage(dataDir, holder));
      continue;
    }
    let torn = false;
    try {
      JSON.parse(seen);
    } catch {
      torn = true;
    }
    if (torn) {
      let age = Infinity;
      try {
        age = Date.now() - statSync(file).mtimeMs;
      } catch {
        continue;
      }
      if (age < 2000) {
        sleep(20);
        continue;
      }
    }
    const aside = `${file}.stale-${process.pid}-${attempt}`;
    try {
      renameSync(file, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    if (readFileSync(aside, 'utf8') !== seen) {
      // A contender's fresh lock was moved: put it back unless the place is taken again.
      try {
        linkSync(aside, file);
      } catch {
        /* the place was taken again: that holder keeps it, this one goes on checking */
      }
    }
    rmSync(aside, { force: true });
  }
  throw new Error(`Zámek složky dat ${file} se nepodařilo získat ani po opakovaných pokusech; zkontrolujte, zda složku nepoužívá jiný proces.`);
}
