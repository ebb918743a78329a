/**
 * Purging the files of removed notices that contain personal data (GDPR storage limitation).
 *
 * A notice with the personal-data flag that was published and has since been removed (its removal
 * instant passed) or withdrawn has its files deleted once the board's retention period has passed
 * after that instant, counted in calendar days in the board's zone (a removal at 10:00 is purged
 * at 10:00 on the day N days later, across a daylight-saving change too; never earlier). The files
 * are the full documents, their redacted copies and the extracted texts of both, and also every
 * document the notice had before: one an earlier revision had (corrected away), one removed from
 * the draft, a redacted copy since replaced or removed (also with its attachment by a correction).
 *
 * - A file also attached to a notice that is not purged (a live notice, a draft, a notice without
 *   personal data, one whose retention has not passed), or named by the change register (an earlier
 *   revision) of such a notice, is kept: the store is content-addressed,
 *   so the same PDF on two notices is one file. The event names it as kept, with the reason.
 * - Each purge is one `attachments-purged` event in the audit log (hash chain) with the hashes,
 *   written BEFORE the files are deleted: a crash in between leaves files the next run deletes,
 *   never a missing file without an event (which `deska audit verify` reports as tampering).
 * - The notice's row, attachment rows, blob rows (hash, size) and events stay: its certificate
 *   remains available and says when the files were purged and under which rule.
 * - The extracted text is blanked (status "unavailable"), which takes it out of the search index
 *   (the FTS triggers re-index on the update) and keeps the indexer from trying it again.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { fromWallTime, toWallTime } from '../shared/zone.ts';
import { prepared, type Db } from '../store/db.ts';
import type { Store } from '../store/store.ts';
import { isSha256 } from '../shared/feed.ts';
import { privacySettings } from './settings.ts';

export const PURGE_ACTION = 'attachments-purged';
export const PURGE_ACTOR = 'system:privacy-purge';

export type FileRole = 'full' | 'redacted' | 'text';

export interface PurgedFile {
  sha256: string;
  role: FileRole;
  /** The attachment's name (for a text: the name of the PDF it was extracted from). */
  name: string;
  size: number;
}

export interface KeptFile {
  sha256: string;
  role: FileRole;
  reason: string;
  /** Other notices that still need it. */
  notices: string[];
}

export interface PurgeRecord {
  noticeId: string;
  boardId: string;
  /** The instant the notice left the board (removal or withdrawal), UTC ISO. */
  removedAt: string;
  retentionDays: number;
  purgeNotBefore: string;
  files: PurgedFile[];
  kept: KeptFile[];
}

/** `ms` plus `days` calendar days in `timeZone`, at the same wall time (never earlier across a DST change). */
export function addZoneDays(ms: number, days: number, timeZone: string): number {
  const w = toWallTime(ms, timeZone);
  const [y, m, d] = w.date.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
  return fromWallTime({ date, time: w.time }, timeZone) + (ms % 1000);
}

interface Candidate {
  id: string;
  board_id: string;
  remove_at: string | null;
  withdrawn_at: string | null;
}

/** The instant a published notice left the board, or null while it has not. */
function removedAt(n: Candidate, now: number): number | null {
  const ends = [n.remove_at, n.withdrawn_at].filter((x): x is string => x !== null).map(Date.parse);
  if (ends.length === 0) return null;
  const end = Math.min(...ends);
  return end <= now ? end : null;
}

/** Notice ids with a purge event. */
function purgedNotices(store: Store): Set<string> {
  return new Set(prepared(store.db, `SELECT DISTINCT notice_id FROM events WHERE action = '${PURGE_ACTION}' AND notice_id IS NOT NULL`).pluck().all() as string[]);
}

/**
 * The notices that need file `sha256`: as an attachment, a redacted copy, a document an earlier
 * revision had (its change register names it, and the file proves what was posted), or (a text)
 * through the PDF it was extracted from.
 */
function noticesUsing(store: Store, sha256: string, role: FileRole): string[] {
  if (role === 'text') {
    const pdfs = prepared(store.db, 'SELECT sha256 FROM attachment_texts WHERE text_sha256 = ?').pluck().all(sha256) as string[];
    return [...new Set(pdfs.flatMap((pdf) => noticesUsing(store, pdf, 'full')))];
  }
  return prepared(store.db,
    `SELECT notice_id FROM notice_attachments WHERE sha256 = ? OR redacted_sha256 = ?
     UNION SELECT r.notice_id FROM notice_revisions r, json_each(r.content, '$.attachments') j WHERE json_extract(j.value, '$.sha256') = ?`)
    .pluck().all(sha256, sha256, sha256) as string[];
}

/**
 * The files of one notice: each attachment and its redacted copy, every document it had before (in
 * an earlier revision, removed from the draft, a redacted copy replaced), and the texts of all.
 * Files only named by the audit log count only while a blob row registers them.
 */
function filesOf(store: Store, noticeId: string): { sha256: string; role: FileRole; name: string; pdf: string | null }[] {
  const rows = prepared(store.db, 'SELECT sha256, name, redacted_sha256, redacted_name FROM notice_attachments WHERE notice_id = ? ORDER BY position')
    .all(noticeId) as { sha256: string; name: string; redacted_sha256: string | null; redacted_name: string | null }[];
  const text = prepared(store.db, 'SELECT text_sha256 FROM attachment_texts WHERE sha256 = ? AND text_sha256 IS NOT NULL').pluck();
  const out: { sha256: string; role: FileRole; name: string; pdf: string | null }[] = [];
  for (const r of rows) {
    out.push({ sha256: r.sha256, role: 'full', name: r.name, pdf: r.sha256 });
    if (r.redacted_sha256 !== null) out.push({ sha256: r.redacted_sha256, role: 'redacted', name: r.redacted_name ?? r.name, pdf: r.redacted_sha256 });
  }
  for (const f of earlierFilesOf(store, noticeId)) if (store.blobs.has(f.sha256)) out.push({ ...f, pdf: f.sha256 });
  for (const f of [...out]) {
    const t = text.get(f.sha256) as string | undefined;
    if (t !== undefined) out.push({ sha256: t, role: 'text', name: f.name, pdf: null });
  }
  const seen = new Set<string>();
  return out.filter((f) => !seen.has(f.sha256) && seen.add(f.sha256));
}

/** Documents a notice had and no longer has: from its revisions and its audit events. */
function earlierFilesOf(store: Store, noticeId: string): { sha256: string; role: FileRole; name: string }[] {
  const out: { sha256: string; role: FileRole; name: string }[] = [];
  for (const content of prepared(store.db, 'SELECT content FROM notice_revisions WHERE notice_id = ? ORDER BY revision').pluck().all(noticeId) as string[]) {
    const c = JSON.parse(content) as { attachments?: { sha256: string; name: string }[] };
    for (const a of c.attachments ?? []) out.push({ sha256: a.sha256, role: 'full', name: a.name });
  }
  const events = prepared(store.db, "SELECT detail FROM events WHERE notice_id = ? AND action IN ('created', 'edited') ORDER BY seq").pluck().all(noticeId) as string[];
  for (const raw of events) {
    type Copy = { sha256?: unknown; name?: unknown } | null | undefined;
    let d: { attachments?: unknown; addedAttachments?: unknown; removedAttachments?: unknown; redacted?: { from?: Copy; to?: Copy } };
    try {
      d = JSON.parse(raw) as typeof d;
    } catch {
      continue; // a damaged event: the chain check reports it
    }
    for (const list of [d.attachments, d.addedAttachments, d.removedAttachments]) {
      if (!Array.isArray(list)) continue;
      for (const sha of list) if (typeof sha === 'string' && isSha256(sha)) out.push({ sha256: sha, role: 'full', name: 'příloha odebraná z konceptu' });
    }
    // Redacted copies replaced or removed since, and the one whose attachment a correction removed.
    for (const c of [d.redacted?.from, d.redacted?.to]) {
      if (c && typeof c.sha256 === 'string' && isSha256(c.sha256)) out.push({ sha256: c.sha256, role: 'redacted', name: typeof c.name === 'string' ? c.name : 'začerněná kopie' });
    }
  }
  return out;
}

function blobSize(store: Store, sha256: string): number {
  return (prepared(store.db, 'SELECT size FROM blobs WHERE sha256 = ?').pluck().get(sha256) as number | undefined) ?? 0;
}

function deleteFile(store: Store, sha256: string): void {
  rmSync(store.blobs.path(sha256), { force: true });
}

/**
 * Purges what is due at `now` (see the module comment) and returns one record per purged notice.
 * Also deletes files an earlier purge recorded but did not get to delete (a crash after the commit).
 */
export function purgeDue(store: Store, now: number, log: (line: string) => void = () => undefined): PurgeRecord[] {
  const done = purgedNotices(store);
  const candidates = (prepared(store.db,
    `SELECT id, board_id, remove_at, withdrawn_at FROM notices
     WHERE personal_data = 1 AND published_at IS NOT NULL AND (remove_at IS NOT NULL OR withdrawn_at IS NOT NULL)
     ORDER BY id`).all() as Candidate[]).filter((n) => !done.has(n.id));
  const zones = new Map(store.boards().map((b) => [b.id, b.timeZone]));
  const due: { n: Candidate; removedAt: number; days: number; notBefore: number }[] = [];
  for (const n of candidates) {
    const end = removedAt(n, now);
    if (end === null) continue;
    const days = privacySettings(store.db, n.board_id).retentionDays;
    const notBefore = addZoneDays(end, days, zones.get(n.board_id) ?? 'Europe/Prague');
    if (now >= notBefore) due.push({ n, removedAt: end, days, notBefore });
  }
  // Notices whose files may go: purged before, or purged now.
  const gone = new Set([...done, ...due.map((d) => d.n.id)]);
  const records: PurgeRecord[] = [];
  for (const d of due) {
    const rec: PurgeRecord = {
      noticeId: d.n.id,
      boardId: d.n.board_id,
      removedAt: new Date(d.removedAt).toISOString(),
      retentionDays: d.days,
      purgeNotBefore: new Date(d.notBefore).toISOString(),
      files: [],
      kept: [],
    };
    for (const f of filesOf(store, d.n.id)) {
      const others = noticesUsing(store, f.sha256, f.role).filter((id) => !gone.has(id));
      if (others.length > 0) {
        rec.kept.push({ sha256: f.sha256, role: f.role, reason: 'soubor je připojen i k jinému oznámení, které se nemaže', notices: others });
      } else {
        rec.files.push({ sha256: f.sha256, role: f.role, name: f.name, size: blobSize(store, f.sha256) });
      }
    }
    const pdfs = rec.files.filter((f) => f.role !== 'text').map((f) => f.sha256);
    store.transaction(() => {
      store.audit.append({
        at: now,
        actor: PURGE_ACTOR,
        action: PURGE_ACTION,
        noticeId: d.n.id,
        detail: {
          reason: `oznámení obsahuje osobní údaje; soubory smazány ${d.days} dní po sejmutí podle nastavení desky`,
          removedAt: rec.removedAt,
          retentionDays: rec.retentionDays,
          purgeNotBefore: rec.purgeNotBefore,
          files: rec.files,
          kept: rec.kept,
        },
      });
      const blank = prepared(store.db,
        `INSERT INTO attachment_texts (sha256, status, text, error, extracted_at) VALUES (?, 'unavailable', '', ?, ?)
         ON CONFLICT (sha256) DO UPDATE SET status = 'unavailable', text = '', pages = NULL, truncated = 0,
           text_sha256 = NULL, text_size = NULL, error = excluded.error, extracted_at = excluded.extracted_at`);
      for (const sha of pdfs) blank.run(sha, 'soubor smazán po uplynutí lhůty uchování osobních údajů', new Date(now).toISOString());
    });
    for (const f of rec.files) deleteFile(store, f.sha256);
    log(`privacy: files of notice ${d.n.id} purged (${rec.files.length} deleted, ${rec.kept.length} kept: still used)`);
    records.push(rec);
  }
  finishEarlierPurges(store, gone);
  return records;
}

/** Files named by earlier purge events that still exist and that no other notice needs: deleted now. */
function finishEarlierPurges(store: Store, gone: Set<string>): void {
  for (const [sha, f] of purgedFiles(store)) {
    let exists = false;
    try {
      exists = existsSync(store.blobs.path(sha)) && statSync(store.blobs.path(sha)).isFile();
    } catch {
      continue;
    }
    if (!exists) continue;
    // A file uploaded again since (another notice) is that notice's now.
    if (noticesUsing(store, sha, f.role).some((id) => !gone.has(id))) continue;
    deleteFile(store, sha);
  }
}

export interface PurgeMark {
  seq: number;
  at: string;
  noticeId: string | null;
  role: FileRole;
}

/** Every file a purge event names, with the newest such event. */
export function purgedFiles(store: Store): Map<string, PurgeMark> {
  return purgedFilesIn(store.db);
}

/** purgedFiles for any publisher database (a backup's copy too). */
export function purgedFilesIn(db: Db): Map<string, PurgeMark> {
  const out = new Map<string, PurgeMark>();
  const rows = db.prepare(`SELECT seq, at, notice_id, detail FROM events WHERE action = '${PURGE_ACTION}' ORDER BY seq`)
    .all() as { seq: number; at: string; notice_id: string | null; detail: string }[];
  for (const r of rows) {
    let files: unknown;
    try {
      files = (JSON.parse(r.detail) as { files?: unknown }).files;
    } catch {
      continue; // a damaged event: the chain check reports it
    }
    if (!Array.isArray(files)) continue;
    for (const f of files as { sha256?: unknown; role?: unknown }[]) {
      if (typeof f?.sha256 !== 'string') continue;
      const role: FileRole = f.role === 'redacted' || f.role === 'text' ? f.role : 'full';
      out.set(f.sha256, { seq: r.seq, at: r.at, noticeId: r.notice_id, role });
    }
  }
  return out;
}

/** The purge of one notice's files, if its files were purged: { at, retentionDays, files }. */
export function purgeOf(store: Store, noticeId: string): { seq: number; at: string; retentionDays: number; removedAt: string; files: PurgedFile[]; kept: KeptFile[] } | null {
  const r = prepared(store.db, `SELECT seq, at, detail FROM events WHERE action = '${PURGE_ACTION}' AND notice_id = ? ORDER BY seq DESC LIMIT 1`)
    .get(noticeId) as { seq: number; at: string; detail: string } | undefined;
  if (!r) return null;
  const d = JSON.parse(r.detail) as { retentionDays: number; removedAt: string; files: PurgedFile[]; kept: KeptFile[] };
  return { seq: r.seq, at: r.at, retentionDays: d.retentionDays, removedAt: d.removedAt, files: d.files ?? [], kept: d.kept ?? [] };
}
