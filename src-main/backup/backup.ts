/**
 * Backups of a publisher's data folder, and restoring one.
 *
 * A backup is a folder ROOT/deska-<instant>/ holding:
 *   deska.sqlite   a consistent copy made by `VACUUM INTO` (in a worker thread)
 *   blobs/         every attachment file that copy references, checked against its SHA-256;
 *                  a file the previous backup already holds is hard-linked, not copied again
 *   keys/          the board's signing key (kiosks accept a restored publisher only with it)
 *   audit.head     the copy's last audit event, so `deska audit verify` works on a restore
 *   *.json         the folder's settings (publication.json, backup.json, …)
 *   digests/       the signed daily digests already published
 *   manifest.json  what the backup holds, with the SHA-256 and size of every file
 * It is written as ROOT/.deska-<instant>.partial and renamed when complete, so a backup
 * interrupted by a crash or a full disk is never mistaken for a good one.
 *
 * Settings, in DATA/backup.json (all optional):
 *   { "dir": "/mnt/zaloha/deska", "keepDays": 14, "cron": "0 30 2 * * *" }
 * dir defaults to the folder beside DATA named DATA-backups: put it on another disk, since a
 * backup on the same disk does not survive that disk. keepDays (default 14): older backups are
 * removed after each nightly backup, but the newest one is always kept. cron (default 02:30
 * every night, in the first board's time zone) runs the nightly backup inside the publisher.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { acquireDataLock, dataLockHolder } from '../store/lock.ts';
import { runInWorker } from '../workers/run.ts';
import type { DbCopy } from './snapshot-db.ts';

export const BACKUP_SETTINGS_FILE = 'backup.json';
export const MANIFEST = 'manifest.json';
const FORMAT = 'deska-backup/1';
const NAME = /^deska-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:-\d{3})?Z)$/;
const SHA = /^[0-9a-f]{64}$/;

export interface BackupSettings {
  dir: string;
  keepDays: number;
  cron: string;
}

export interface BackupFile {
  path: string;
  sha256: string;
  size: number;
}

export interface BackupManifest {
  format: typeof FORMAT;
  name: string;
  createdAt: string;
  source: string;
  schemaVersion: number;
  events: number;
  lastEvent: { seq: number; hash: string };
  boards: string[];
  notices: number;
  files: BackupFile[];
  /** Attachment files the store references but the data folder lacks or holds damaged: not in the backup. */
  damagedBlobs: string[];
}

export function defaultBackupRoot(dataDir: string): string {
  const d = resolve(dataDir);
  return join(dirname(d), `${basename(d)}-backups`);
}

/** DATA/backup.json with its defaults; throws a Czech message naming what is wrong. */
export function backupSettings(dataDir: string): BackupSettings {
  const file = join(dataDir, BACKUP_SETTINGS_FILE);
  const out: BackupSettings = { dir: defaultBackupRoot(dataDir), keepDays: 14, cron: '0 30 2 * * *' };
  if (!existsSync(file)) return out;
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`Soubor ${file} není platný JSON (${e instanceof Error ? e.message : String(e)}). Opravte ho.`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${file} musí být objekt, např. {"dir": "/mnt/zaloha/deska", "keepDays": 14}.`);
  const { dir, keepDays, cron } = v as Record<string, unknown>;
  if (dir !== undefined) {
    if (typeof dir !== 'string' || dir.trim() === '') throw new Error(`${file}: "dir" musí být cesta ke složce záloh.`);
    out.dir = resolve(dataDir, dir);
    const rel = relative(resolve(dataDir), out.dir);
    if (rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep))) throw new Error(`${file}: "dir" nesmí ležet ve složce dat (${dataDir}); zálohy patří jinam, nejlépe na jiný disk.`);
  }
  if (keepDays !== undefined) {
    if (typeof keepDays !== 'number' || !Number.isInteger(keepDays) || keepDays < 1 || keepDays > 3650) throw new Error(`${file}: "keepDays" musí být celé číslo 1–3650 (kolik dní zálohy uchovávat).`);
    out.keepDays = keepDays;
  }
  if (cron !== undefined) {
    if (typeof cron !== 'string' || cron.trim().split(/\s+/).length < 5) throw new Error(`${file}: "cron" musí být výraz cronu, např. "0 30 2 * * *" (každou noc ve 2:30).`);
    out.cron = cron;
  }
  return out;
}

export function backupName(now: number): string {
  return `deska-${new Date(now).toISOString().replace(/:/g, '-').replace(/\.\d{3}Z$/, 'Z')}`;
}

/** Copies a file, hashing what it copies; with `expect`, a different hash is an error and nothing is left behind. */
async function copyHashed(from: string, to: string, expect?: string): Promise<BackupFile & { mismatch: boolean }> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  mkdirSync(dirname(to), { recursive: true });
  await pipeline(createReadStream(from), tap, createWriteStream(to, { flags: 'wx' }));
  const sha256 = hash.digest('hex');
  return { path: to, sha256, size, mismatch: expect !== undefined && expect !== sha256 };
}

async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The backups in ROOT, newest first (only complete ones: a .partial folder is not a backup). */
export function listBackups(root: string): { name: string; dir: string; createdAt: string }[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && NAME.test(e.name) && existsSync(join(root, e.name, MANIFEST)))
    .map((e) => {
      const stamp = NAME.exec(e.name)![1]!;
      const iso = stamp.replace(/T(\d{2})-(\d{2})-(\d{2})/, 'T$1:$2:$3').replace(/-(\d{3})Z$/, '.$1Z');
      return { name: e.name, dir: join(root, e.name), createdAt: new Date(iso).toISOString() };
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export interface BackupResult {
  dir: string;
  manifest: BackupManifest;
  /** Backups removed by retention. */
  pruned: string[];
}

/**
 * Backs up DATA into ROOT/deska-<instant>/. Safe while a publisher runs: the database copy is
 * one consistent read, and attachment files are immutable (stored by their hash).
 */
export async function createBackup(dataDir: string, o: { root: string; now: number; keepDays?: number }): Promise<BackupResult> {
  try {
    return await backupOnce(dataDir, o);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw e;
    const why: Record<string, string> = {
      ENOSPC: 'na disku záloh došlo místo',
      EACCES: 'do složky záloh nelze zapisovat (oprávnění)',
      EPERM: 'do složky záloh nelze zapisovat (oprávnění)',
      EEXIST: 'v cestě ke složce záloh je soubor, ne složka',
      ENOTDIR: 'v cestě ke složce záloh je soubor, ne složka',
      EROFS: 'disk záloh je jen pro čtení',
    };
    throw new Error(`Záloha do ${resolve(o.root)} se nepodařila: ${why[code] ?? 'chyba souborového systému'} (${e instanceof Error ? e.message : code}). Data Deska zůstala beze změny; nedokončená záloha byla zahozena.`, { cause: e });
  }
}

async function backupOnce(dataDir: string, o: { root: string; now: number; keepDays?: number }): Promise<BackupResult> {
  const data = resolve(dataDir);
  if (!existsSync(join(data, 'deska.sqlite'))) throw new Error(`${data} neobsahuje úložiště Deska (deska.sqlite); zkontrolujte --data.`);
  const root = resolve(o.root);
  mkdirSync(root, { recursive: true });
  let name = backupName(o.now);
  if (existsSync(join(root, name))) name = `deska-${new Date(o.now).toISOString().replace(/:/g, '-').replace('.', '-')}`;
  if (existsSync(join(root, name))) throw new Error(`Záloha ${join(root, name)} už existuje; zkuste to za chvíli znovu.`);
  const partial = join(root, `.${name}.partial`);
  // Leftovers of backups killed midway (kill -9, power loss): their lock names a process that is gone.
  // A backup running right now in another process (the nightly job and a manual one) keeps its own.
  for (const e of readdirSync(root)) {
    if (/^\.deska-.*\.partial$/.test(e) && dataLockHolder(join(root, e)) === null) rmSync(join(root, e), { recursive: true, force: true });
  }
  mkdirSync(partial, { recursive: true });
  const partialLock = acquireDataLock(partial, o.now);
  try {
    const copy = await runInWorker<DbCopy>(new URL('./snapshot-db.ts', import.meta.url), 'copyDatabase', [join(data, 'deska.sqlite'), join(partial, 'deska.sqlite')], {
      timeoutMs: 30 * 60_000,
      maxHeapMb: 256,
    });
    const files: BackupFile[] = [];
    const rel = (p: string): string => relative(partial, p).split(sep).join('/');
    const db = await hashFile(join(partial, 'deska.sqlite'));
    files.push({ path: 'deska.sqlite', ...db });

    // Attachments: hard-link from the previous backup where it holds the same file, else copy and check.
    const previous = listBackups(root)[0];
    const damagedBlobs: string[] = [];
    const purged = new Set(copy.purged ?? []);
    for (const sha of copy.blobs) {
      if (!SHA.test(sha)) {
        damagedBlobs.push(sha);
        continue;
      }
      const relPath = join('blobs', sha.slice(0, 2), sha);
      // Purged for privacy: never carried on from an older backup (only a file uploaded again since is backed up).
      if (purged.has(sha) && !existsSync(join(data, relPath))) continue;
      const target = join(partial, relPath);
      const prev = previous ? join(previous.dir, relPath) : null;
      if (prev && existsSync(prev)) {
        mkdirSync(dirname(target), { recursive: true });
        try {
          linkSync(prev, target);
          files.push({ path: rel(target), sha256: sha, size: statSync(target).size });
          continue;
        } catch {
          // another file system, or links not allowed: copy instead
        }
      }
      const source = join(data, relPath);
      if (!existsSync(source)) {
        damagedBlobs.push(sha);
        continue;
      }
      const c = await copyHashed(source, target, sha);
      if (c.mismatch) {
        rmSync(target, { force: true });
        damagedBlobs.push(sha);
        continue;
      }
      files.push({ path: rel(target), sha256: c.sha256, size: c.size });
    }

    // Keys, settings and digests: small files, copied as they are.
    const extra = [
      ...walk(join(data, 'keys')),
      ...walk(join(data, 'digests')),
      ...readdirSync(data, { withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.json'))
        .map((e) => join(data, e.name)),
    ];
    for (const f of extra) {
      const c = await copyHashed(f, join(partial, relative(data, f)));
      files.push({ path: rel(c.path), sha256: c.sha256, size: c.size });
    }
    const head = join(partial, 'audit.head');
    writeFileSync(head, JSON.stringify(copy.lastEvent) + '\n');
    files.push({ path: 'audit.head', ...(await hashFile(head)) });

    const manifest: BackupManifest = {
      format: FORMAT,
      name,
      createdAt: new Date(o.now).toISOString(),
      source: data,
      schemaVersion: copy.schemaVersion,
      events: copy.events,
      lastEvent: copy.lastEvent,
      boards: copy.boards,
      notices: copy.notices,
      files,
      damagedBlobs,
    };
    writeFileSync(join(partial, MANIFEST), JSON.stringify(manifest, null, 1) + '\n');
    partialLock.release();
    const final = join(root, name);
    renameSync(partial, final);
    const pruned = o.keepDays !== undefined ? pruneBackups(root, o.keepDays, o.now) : [];
    return { dir: final, manifest, pruned };
  } catch (e) {
    rmSync(partial, { recursive: true, force: true }); // an incomplete backup is no backup; the data folder is untouched
    throw e;
  }
}

/** Removes backups older than keepDays, always keeping the newest; returns the removed folders. */
export function pruneBackups(root: string, keepDays: number, now: number): string[] {
  const all = listBackups(root);
  const cutoff = now - keepDays * 86_400_000;
  const removed: string[] = [];
  for (const b of all.slice(1)) {
    if (Date.parse(b.createdAt) < cutoff) {
      rmSync(b.dir, { recursive: true, force: true });
      removed.push(b.dir);
    }
  }
  return removed;
}

/** Checks a backup against its manifest: every file present with its size and SHA-256. */
export async function verifyBackup(dir: string): Promise<{ manifest: BackupManifest | null; problems: string[] }> {
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) return { manifest: null, problems: [`${dir} není záloha Deska: chybí ${MANIFEST}`] };
  let m: BackupManifest;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as BackupManifest;
  } catch {
    return { manifest: null, problems: [`${file} je poškozený (není platný JSON)`] };
  }
  if (m?.format !== FORMAT || !Array.isArray(m.files)) return { manifest: null, problems: [`${file} není manifest zálohy Deska (${FORMAT})`] };
  const problems: string[] = [];
  for (const f of m.files) {
    if (typeof f?.path !== 'string' || f.path.split('/').includes('..') || f.path.startsWith('/')) {
      problems.push(`manifest uvádí neplatnou cestu ${JSON.stringify(f?.path)}`);
      continue;
    }
    const p = join(dir, ...f.path.split('/'));
    if (!existsSync(p)) {
      problems.push(`chybí soubor ${f.path}`);
      continue;
    }
    const h = statSync(p).isFile() ? await hashFile(p) : null;
    if (h?.sha256 !== f.sha256 || h.size !== f.size) problems.push(`soubor ${f.path} nesouhlasí s manifestem (změněný nebo poškozený)`);
  }
  if (!m.files.some((f) => f?.path === 'deska.sqlite')) problems.push('záloha neobsahuje databázi deska.sqlite');
  // Without the board's signing key a restored publisher cannot start, and kiosks would refuse a new key.
  for (const key of ['keys/board.key', 'keys/board.pub']) {
    if (!m.files.some((f) => f?.path === key)) problems.push(`záloha neobsahuje podpisový klíč desky ${key}`);
  }
  return { manifest: m, problems };
}
