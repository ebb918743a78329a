/**
 * The watched inbox folders: DATA/inbox/<board>/ per board, where a document-management system
 * drops packages (a folder with a metadata .json and its PDFs, or the same as one .zip).
 *
 *   DATA/inbox/<board>/<package>        dropped here (names starting "." or "~", or ending .tmp,
 *                                       .part, .partial, .crdownload, .filepart are still being written)
 *   DATA/inbox/<board>/<package>.ready  optional ready marker (see settings.ts)
 *   processing/   claimed: being imported (a restart resumes everything here)
 *   processed/    imported, with <package>.imported.txt naming the notice
 *   duplicates/   the same document had been imported before, with <package>.duplicate.txt
 *   rejected/     invalid, with <package>.error.txt saying what is wrong (Czech, one English line)
 *
 * A package is claimed by renaming it into processing/ (atomic on one file system), imported
 * once (import.ts: UNIQUE key per board), then renamed on. A crash at any point loses nothing:
 * the package is in exactly one folder, and a claimed package whose import committed is
 * recognised by its claim and only moved on. Nothing is ever deleted; only this service's own
 * copies in DATA/tmp/inbox-* are removed.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { watch } from '../kiosk/watch.ts';
import type { PublisherContext } from '../publisher/context.ts';
import { toOffsetIso } from '../shared/zone.ts';
import { importDocument, type ImportResult } from './import.ts';
import { parseMetadata, type Problem } from './metadata.ts';
import { DEFAULT_PACKAGE_LIMITS, readPackage, type PackageLimits } from './package.ts';
import { inboxSettings, type InboxBoardSettings } from './settings.ts';

export const INBOX_DIR = 'inbox';
const STATE_DIRS = ['processing', 'processed', 'duplicates', 'rejected'] as const;
const MARKER = '.ready';
const IN_PROGRESS = /^[.~]|\.(tmp|part|partial|crdownload|filepart)$/i;

export interface InboxOptions {
  /** Watch the folders and rescan on a timer (off: only scanNow(), for tests). */
  watch?: boolean;
  /** Polling for network shares that deliver no file events. */
  usePolling?: boolean;
  limits?: Partial<PackageLimits>;
  onLog?: (line: string) => void;
}

/** What happened to one package. */
export interface PackageOutcome {
  boardId: string;
  name: string;
  result: 'imported' | 'duplicate' | 'rejected';
  noticeId?: string;
}

export function inboxPath(dataDir: string, boardId: string): string {
  return join(dataDir, INBOX_DIR, boardId);
}

/** The error file a technician reads: which file, which field, what is wrong, what was expected. */
export function errorReport(name: string, boardId: string, problems: Problem[], when: string): string {
  const lines = [
    `Balíček „${name}“ pro úřední desku „${boardId}“ byl odmítnut (${when}).`,
    `Package "${name}" was rejected: ${problems.length} problem(s) listed below (in Czech: file, field, problem, expected).`,
    '',
  ];
  problems.forEach((p, i) => {
    lines.push(`${i + 1}. Soubor: ${p.file}`);
    if (p.field !== undefined) lines.push(`   Údaj: ${p.field === '' ? '(celý soubor)' : p.field}`);
    lines.push(`   Chyba: ${p.problem}`);
    if (p.expected) lines.push(`   Očekáváno: ${p.expected}`);
    lines.push('');
  });
  lines.push(
    'Co dělat: opravte balíček (nebo jeho odeslání ve spisové službě) a pošlete jej znovu jako nový balíček.',
    'Tento balíček zůstává beze změny ve složce rejected/; nic nebylo smazáno ani zveřejněno.',
    'Formát balíčku: docs/inbox.md, schéma metadat: docs/inbox-package.schema.json.',
    '',
  );
  return lines.join('\n');
}

function outcomeNote(r: Exclude<ImportResult, { kind: 'rejected' }>, name: string, when: string): string {
  const n = r.notice;
  if (r.kind === 'duplicate') {
    return [
      `Balíček „${name}“ nebyl importován znovu: dokument ${r.item.externalKey} ze systému „${r.item.system}“ už byl importován ${r.item.importedAt} jako oznámení ${n.id} („${n.title}“).`,
      `Duplicate: this document was imported before as notice ${n.id}; no second notice was made (${when}).`,
      r.sameContent
        ? 'Obsah balíčku je stejný jako tehdy.'
        : 'Obsah balíčku se od tehdejšího liší: změny proveďte v oznámení v aplikaci pro úředníky (opravu lze zveřejnit jen úpravou nebo stažením oznámení).',
      '',
    ].join('\n');
  }
  return [
    `Balíček „${name}“ byl importován jako oznámení ${n.id} („${n.title}“) ${when}.`,
    `Imported as notice ${n.id}.`,
    r.kind === 'created' ? r.note : 'Import dokončen po restartu služby.',
    '',
  ].join('\n');
}

/** Writes a file so that a reader never sees half of it. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** The package's fingerprint for the stability check: names, sizes, modification times. */
async function signature(path: string): Promise<{ sig: string; newest: number } | null> {
  try {
    const st = await lstat(path);
    if (!st.isDirectory()) return { sig: `${st.size}:${st.mtimeMs}`, newest: st.mtimeMs };
    const parts = [`d:${st.mtimeMs}`];
    let newest = st.mtimeMs;
    for (const e of (await readdir(path)).sort()) {
      const s = await lstat(join(path, e));
      parts.push(`${e}:${s.size}:${s.mtimeMs}`);
      newest = Math.max(newest, s.mtimeMs);
    }
    return { sig: parts.join('|'), newest };
  } catch {
    return null;
  }
}

export class InboxService {
  private readonly ctx: PublisherContext;
  private readonly o: InboxOptions;
  private readonly limits: PackageLimits;
  private readonly root: string;
  /** Per package path: its last fingerprint and since when it has not changed. */
  private readonly seen = new Map<string, { sig: string; since: number }>();
  private chain: Promise<unknown> = Promise.resolve();
  private stopWatch: (() => Promise<void>) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;
  private stopped = false;
  readonly outcomes: PackageOutcome[] = [];

  constructor(ctx: PublisherContext, o: InboxOptions = {}) {
    this.ctx = ctx;
    this.o = o;
    this.limits = { ...DEFAULT_PACKAGE_LIMITS, maxFileBytes: ctx.maxUploadBytes, ...o.limits };
    this.root = join(ctx.store.dataDir, INBOX_DIR);
  }

  private log(line: string): void {
    this.o.onLog?.(`inbox: ${line}`);
  }

  private settings(boardId: string): InboxBoardSettings | null {
    try {
      const s = inboxSettings(this.ctx.store.dataDir, boardId);
      return s.enabled ? s : null;
    } catch (e) {
      this.log(e instanceof Error ? e.message : String(e));
      return null;
    }
  }

  /** Creates the folders, resumes claimed packages, then watches. A folder that cannot be made is logged; the publisher still starts. */
  async start(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true });
      for (const b of this.ctx.store.boards()) {
        if (!this.settings(b.id)) continue;
        for (const d of STATE_DIRS) await mkdir(join(inboxPath(this.ctx.store.dataDir, b.id), d), { recursive: true });
      }
      await this.serial(() => this.resumeAll());
    } catch (e) {
      this.log(`cannot start in ${this.root}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (this.o.watch === false) return;
    this.stopWatch = watch(this.root, { usePolling: this.o.usePolling }, { onChange: () => this.soon(), onError: (e) => this.log(`watcher: ${e.message}`) });
    // Also on a timer: the stability check needs time to pass, and some shares deliver no events.
    this.timer = setInterval(() => this.soon(), 1000);
    this.timer.unref();
    this.soon();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    await this.stopWatch?.();
    await this.chain.catch(() => undefined);
  }

  private soon(): void {
    if (this.pending || this.stopped) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      void this.scanNow().catch((e: unknown) => this.log(`scan failed: ${e instanceof Error ? e.message : String(e)}`));
    }, 100);
  }

  /** One import at a time, in order. */
  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.chain.then(job, job);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Scans every board's inbox once and imports the packages that are ready. */
  scanNow(): Promise<PackageOutcome[]> {
    return this.serial(async () => {
      const done: PackageOutcome[] = [];
      for (const b of this.ctx.store.boards()) {
        const s = this.settings(b.id);
        if (!s || this.stopped) continue;
        done.push(...(await this.scanBoard(b.id, s)));
      }
      return done;
    });
  }

  private async scanBoard(boardId: string, s: InboxBoardSettings): Promise<PackageOutcome[]> {
    const dir = inboxPath(this.ctx.store.dataDir, boardId);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const reserved = new Set<string>(STATE_DIRS);
    const markers = new Set(names.filter((n) => n.endsWith(MARKER)));
    const done: PackageOutcome[] = [];
    for (const name of names.sort()) {
      if (this.stopped) break;
      if (reserved.has(name) || markers.has(name) || IN_PROGRESS.test(name)) continue;
      const path = join(dir, name);
      if (!(await this.ready(path, s, markers.has(`${name}${MARKER}`) ? join(dir, `${name}${MARKER}`) : null))) continue;
      const claim = await this.claim(dir, name);
      if (claim === null) continue;
      done.push(await this.process(boardId, claim));
    }
    return done;
  }

  /** Ready: its marker is newer than every file of it, or (marker optional) nothing changed for stableMs. */
  private async ready(path: string, s: InboxBoardSettings, marker: string | null): Promise<boolean> {
    const now = this.ctx.clock.now();
    const sig = await signature(path);
    if (!sig) return false;
    if (marker) {
      const m = await stat(marker).catch(() => null);
      if (m && m.mtimeMs >= sig.newest) return true;
    }
    if (s.readyMarker === 'required') return false;
    const prev = this.seen.get(path);
    if (!prev || prev.sig !== sig.sig) {
      this.seen.set(path, { sig: sig.sig, since: now });
      return false;
    }
    return now - prev.since >= s.stableMs;
  }

  /** A name free in every state folder: the package's own, or with "~2", "~3" … before its extension. */
  private freeName(boardDir: string, name: string): string {
    const dot = name.toLowerCase().endsWith('.zip') ? name.length - 4 : name.length;
    for (let i = 1; ; i++) {
      const candidate = i === 1 ? name : `${name.slice(0, dot)}~${i}${name.slice(dot)}`;
      if (STATE_DIRS.every((d) => !existsSync(join(boardDir, d, candidate)) && !existsSync(join(boardDir, d, `${candidate}${MARKER}`)))) return candidate;
    }
  }

  /** Renames the package (then its marker) into processing/; null when it vanished meanwhile. */
  private async claim(boardDir: string, name: string): Promise<{ dir: string; claim: string; original: string } | null> {
    const claim = this.freeName(boardDir, name);
    try {
      await rename(join(boardDir, name), join(boardDir, 'processing', claim));
    } catch (e) {
      this.log(`cannot claim ${name}: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
    this.seen.delete(join(boardDir, name));
    await rename(join(boardDir, `${name}${MARKER}`), join(boardDir, 'processing', `${claim}${MARKER}`)).catch(() => undefined);
    return { dir: boardDir, claim, original: name };
  }

  /** Finishes every package left in processing/ (a crash or a stop mid-import). */
  private async resumeAll(): Promise<void> {
    for (const b of this.ctx.store.boards()) {
      if (!this.settings(b.id)) continue;
      const dir = inboxPath(this.ctx.store.dataDir, b.id);
      const names = await readdir(join(dir, 'processing')).catch(() => [] as string[]);
      for (const n of names.sort()) {
        if (n.endsWith(MARKER) || /\.\d+\.tmp$/.test(n)) continue;
        this.log(`resuming ${b.id}/${n}`);
        await this.process(b.id, { dir, claim: n, original: n });
      }
      // Markers whose package moved on before a crash follow it.
      for (const n of names.filter((x) => x.endsWith(MARKER))) {
        const pkg = n.slice(0, -MARKER.length);
        if (existsSync(join(dir, 'processing', pkg))) continue;
        const to = STATE_DIRS.find((d) => d !== 'processing' && existsSync(join(dir, d, pkg)));
        if (to) await rename(join(dir, 'processing', n), join(dir, to, n)).catch(() => undefined);
      }
      // A marker left in the inbox itself, its package claimed before a crash came between the two
      // renames (claim): it follows the package too, or it would lie in the inbox for ever.
      const here = await readdir(dir).catch(() => [] as string[]);
      const present = new Set(here);
      for (const n of here.filter((x) => x.endsWith(MARKER) && !present.has(x.slice(0, -MARKER.length)))) {
        const pkg = n.slice(0, -MARKER.length);
        // ".ready" and "..ready" name no package (joined, "" and "." would name the state folder itself).
        if (pkg === '' || pkg === '.') continue;
        const to = STATE_DIRS.find((d) => existsSync(join(dir, d, pkg)) && !existsSync(join(dir, d, n)));
        if (to) await rename(join(dir, n), join(dir, to, n)).catch(() => undefined);
      }
    }
  }

  private async finish(c: { dir: string; claim: string }, to: 'processed' | 'duplicates' | 'rejected', note: { suffix: string; text: string }): Promise<void> {
    await writeAtomic(join(c.dir, to, `${c.claim}${note.suffix}`), note.text);
    await rename(join(c.dir, 'processing', c.claim), join(c.dir, to, c.claim));
    await rename(join(c.dir, 'processing', `${c.claim}${MARKER}`), join(c.dir, to, `${c.claim}${MARKER}`)).catch(() => undefined);
  }

  private async process(boardId: string, c: { dir: string; claim: string; original: string }): Promise<PackageOutcome> {
    const s = this.settings(boardId);
    const board = this.ctx.store.board(boardId);
    const when = toOffsetIso(this.ctx.clock.now(), board?.timeZone ?? 'Europe/Prague');
    const work = join(this.ctx.store.dataDir, 'tmp', `inbox-${randomUUID()}`);
    const claimed = join(c.dir, 'processing', c.claim);
    let outcome: PackageOutcome;
    try {
      const read = await readPackage(claimed, work, this.limits);
      let problems = read.problems;
      let result: ImportResult | null = null;
      if (problems.length === 0 && read.metadata) {
        const parsed = parseMetadata(read.metadata.name, read.metadata.bytes);
        if (!parsed.ok) problems = parsed.problems;
        else {
          result = await importDocument(this.ctx, {
            boardId,
            doc: parsed.doc,
            files: read.files,
            metadataName: read.metadata.name,
            metadataBytes: read.metadata.bytes,
            via: 'folder',
            claim: c.claim,
            actor: `inbox:${parsed.doc.system}`,
            schedule: s?.publish === 'schedule',
          });
          if (result.kind === 'rejected') problems = result.problems;
        }
      }
      if (result === null || result.kind === 'rejected') {
        await this.finish(c, 'rejected', { suffix: '.error.txt', text: errorReport(c.original, boardId, problems, when) });
        outcome = { boardId, name: c.claim, result: 'rejected' };
        this.ctx.store.audit.append({
          at: this.ctx.clock.now(),
          actor: 'system:inbox',
          action: 'inbox-rejected',
          detail: { board: boardId, package: c.original, problems: problems.slice(0, 20).map((p) => `${p.file}${p.field ? ` ${p.field}` : ''}: ${p.problem}`), count: problems.length },
        });
        this.log(`${boardId}/${c.claim} rejected: ${problems[0]?.file}: ${problems[0]?.problem}`);
      } else if (result.kind === 'duplicate') {
        await this.finish(c, 'duplicates', { suffix: '.duplicate.txt', text: outcomeNote(result, c.original, when) });
        outcome = { boardId, name: c.claim, result: 'duplicate', noticeId: result.notice.id };
        this.log(`${boardId}/${c.claim} is a duplicate of notice ${result.notice.id}`);
      } else {
        await this.finish(c, 'processed', { suffix: '.imported.txt', text: outcomeNote(result, c.original, when) });
        outcome = { boardId, name: c.claim, result: 'imported', noticeId: result.notice.id };
        this.log(`${boardId}/${c.claim} imported as notice ${result.notice.id}`);
      }
    } catch (e) {
      // Our own failure (storage, a bug): the package stays claimed in processing/ and is retried at the next start.
      this.log(`${boardId}/${c.claim} left in processing/: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    } finally {
      await rm(work, { recursive: true, force: true, maxRetries: 3 });
    }
    this.outcomes.push(outcome);
    return outcome;
  }
}

/** Starts the inbox of every board (DATA/inbox/<board>/); stop() before closing the store. */
export async function startInbox(ctx: PublisherContext, o: InboxOptions = {}): Promise<InboxService> {
  const inbox = new InboxService(ctx, o);
  await inbox.start();
  return inbox;
}
