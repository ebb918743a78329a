/**
 * Restoring a backup into a data folder (`deska restore`), with the publisher stopped.
 *
 * 1. The backup is checked against its manifest; a changed or missing file refuses the restore.
 * 2. It is copied into a new folder beside DATA, opened (migrations bring an older backup up to
 *    date) and checked with the same verification as `deska audit verify`.
 * 3. A "restored" event is appended, and every board gets a forced publication job, so the first
 *    snapshot after the restart is new: kiosks see its sequence number went back but its creation
 *    instant is newer, and accept it as a restored publisher (a replayed old snapshot is still refused).
 * 4. Only then is the current DATA renamed aside (DATA.before-restore-<instant>, never deleted)
 *    and the restored folder put in its place. Until that rename, DATA is untouched.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { verifyStore } from '../evidence/audit-verify.ts';
import { Outbox } from '../publication/outbox.ts';
import { acquireDataLock, dataLockHolder } from '../store/lock.ts';
import { Store } from '../store/store.ts';
import { MANIFEST, verifyBackup, type BackupManifest } from './backup.ts';

export interface RestoreResult {
  manifest: BackupManifest;
  /** Where the data folder that was replaced now is (null when DATA did not exist). */
  movedAside: string | null;
  /** Problems the verification found and `force` accepted. */
  problems: string[];
  notes: string[];
}

export class RestoreRefused extends Error {
  override name = 'RestoreRefused';
  readonly problems: string[];
  constructor(message: string, problems: string[] = []) {
    super(message);
    this.problems = problems;
  }
}

function stamp(now: number): string {
  return new Date(now).toISOString().replace(/:/g, '-').replace(/\.\d{3}Z$/, 'Z');
}

export async function restoreBackup(dataDir: string, backupDir: string, o: { now: number; force?: boolean; actor?: string }): Promise<RestoreResult> {
  const data = resolve(dataDir);
  const from = resolve(backupDir);
  if (existsSync(data)) {
    // A typo in --data (DATA/deska.sqlite, /srv, the home folder) must not move that aside.
    if (!statSync(data).isDirectory()) {
      throw new RestoreRefused(`${data} je soubor, ne složka dat Deska; obnova neproběhla a nic se nezměnilo. Zkontrolujte --data (má to být složka, ve které je deska.sqlite).`);
    }
    if (!existsSync(join(data, 'deska.sqlite')) && readdirSync(data).length > 0) {
      throw new RestoreRefused(`Složka ${data} není složka dat Deska (chybí v ní deska.sqlite) a není prázdná; obnova neproběhla a nic se nezměnilo. Zkontrolujte --data.`);
    }
  }
  const holder = existsSync(data) ? dataLockHolder(data) : null;
  if (holder) {
    throw new RestoreRefused(
      `Složku dat ${data} právě používá běžící publisher (PID ${holder.pid} na ${holder.host}). Nejdřív ho zastavte, pak obnovu spusťte znovu.`,
    );
  }
  const checked = await verifyBackup(from);
  if (!checked.manifest || checked.problems.length > 0) {
    throw new RestoreRefused(`Záloha ${from} neprošla kontrolou, obnova neproběhla a data zůstala beze změny. Zkuste starší zálohu.`, checked.problems);
  }
  const manifest = checked.manifest;

  // Held for the whole restore: a publisher started meanwhile refuses, instead of writing into a folder about to be moved aside.
  const dataLock = existsSync(data) ? acquireDataLock(data, o.now) : null;
  try {
    return await restoreLocked(data, from, manifest, o);
  } finally {
    dataLock?.release();
  }
}

/** Staging folders of restores killed before they finished (their lock names a process that is gone): our own copies, removed. */
function removeStaleStaging(data: string): void {
  const prefix = `.${basename(data)}.restoring-`;
  for (const name of readdirSync(dirname(data))) {
    const dir = join(dirname(data), name);
    if (name.startsWith(prefix) && dataLockHolder(dir) === null) rmSync(dir, { recursive: true, force: true });
  }
}

function unusedName(base: string): string {
  let name = base;
  for (let i = 2; existsSync(name); i++) name = `${base}-${i}`;
  return name;
}

async function restoreLocked(data: string, from: string, manifest: BackupManifest, o: { now: number; force?: boolean; actor?: string }): Promise<RestoreResult> {
  mkdirSync(dirname(data), { recursive: true });
  removeStaleStaging(data);
  const staging = unusedName(join(dirname(data), `.${basename(data)}.restoring-${stamp(o.now)}`));
  mkdirSync(staging, { recursive: true });
  const stagingLock = acquireDataLock(staging, o.now);
  let problems: string[] = [];
  let notes: string[] = [];
  try {
    for (const f of manifest.files) {
      const target = join(staging, ...f.path.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(from, ...f.path.split('/')), target, { preserveTimestamps: true });
    }
    const store = Store.open(staging, () => o.now);
    try {
      const v = verifyStore(store, { repairHead: false });
      problems = v.problems;
      notes = v.notes;
      for (const sha of manifest.damagedBlobs ?? []) problems.push(`příloha ${sha} nebyla při zálohování čitelná, v záloze chybí`);
      if (problems.length > 0 && !o.force) {
        throw new RestoreRefused(
          `Obnovená data neprošla ověřením auditního logu (${problems.length} problém(ů)); obnova neproběhla a data zůstala beze změny. Zkuste starší zálohu, nebo obnovte i tak s --force (problémy zůstanou zaznamenány).`,
          problems,
        );
      }
      store.transaction(() => {
        store.audit.append({
          at: o.now,
          actor: o.actor ?? 'system:restore',
          action: 'restored',
          detail: {
            backup: manifest.name,
            backupCreatedAt: manifest.createdAt,
            lastEventInBackup: manifest.lastEvent,
            ...(problems.length > 0 && { acceptedProblems: problems.slice(0, 50) }),
          },
        });
        const outbox = new Outbox(store.db);
        for (const b of store.boards()) outbox.enqueue(b.id, 'refresh', true, o.now);
      });
    } finally {
      store.close();
    }
    rmSync(join(staging, MANIFEST), { force: true });
    stagingLock.release();
  } catch (e) {
    rmSync(staging, { recursive: true, force: true }); // our own copy; the backup and DATA are untouched
    throw e;
  }
  let movedAside: string | null = null;
  if (existsSync(data)) {
    movedAside = unusedName(`${data}.before-restore-${stamp(o.now)}`);
    renameSync(data, movedAside);
  }
  renameSync(staging, data);
  return { manifest, movedAside, problems, notes };
}

/**
 * What `deska serve` says when DATA holds no store. A restore killed between moving DATA aside
 * and putting the restored copy in its place leaves exactly that: name both folders and what to do.
 */
export function missingDataMessage(dataDir: string, shown: string = dataDir): string {
  const data = resolve(dataDir);
  const parent = dirname(data);
  const siblings = existsSync(parent) ? readdirSync(parent) : [];
  const aside = siblings.filter((n) => n.startsWith(`${basename(data)}.before-restore-`)).sort();
  if (aside.length > 0) {
    return `Ve složce ${data} nejsou data Deska; vedle ní leží původní data odložená obnovou (${join(parent, aside[aside.length - 1]!)}), obnova tedy nejspíš nedoběhla. Spusťte "deska restore" znovu se stejnou zálohou, nebo odloženou složku přejmenujte zpět na ${data}. Nic nebylo smazáno.`;
  }
  return `Ve složce ${data} nejsou data Deska (chybí deska.sqlite). Zkontrolujte --data, nebo nejdřív vytvořte desku: deska init --data ${shown}`;
}
