/**
 * The signed daily digest of a board: for one day in the board's zone, the head of the audit log
 * (seq and hash of the newest event before midnight), the hashes of that day's snapshots and the
 * notices posted that day with their attachment hashes, signed with the board's Ed25519 key.
 * Published on the mirror as digest/YYYY-MM-DD.json + .json.sig: anyone who archives it can later
 * show that the log up to that event was not rewritten (`deska audit verify` recomputes the chain).
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Board } from '../shared/domain.ts';
import { fromWallTime, toWallTime } from '../shared/zone.ts';
import type { Store } from '../store/store.ts';
import { signBytes } from './signing.ts';
import { publicAttachment } from '../privacy/public.ts';

export const DIGEST_FORMAT = 'deska-digest/1';

export interface DailyDigest {
  format: typeof DIGEST_FORMAT;
  board: Pick<Board, 'id' | 'name' | 'ico' | 'publicUrl' | 'timeZone'>;
  /** The day, in the board's zone. */
  date: string;
  /** [from, to): the day's bounds as UTC instants. */
  from: string;
  to: string;
  /** The newest audit event before `to` (null: the log was empty). */
  auditHead: { seq: number; hash: string; at: string } | null;
  snapshots: { seq: number; createdAt: string; sha256: string }[];
  posted: { id: string; title: string; referenceNumber: string; postAt: string; removeAt: string | null; attachments: { name: string; sha256: string }[] }[];
  createdAt: string;
}

export function digestFolder(dataDir: string, boardId: string): string {
  return join(dataDir, 'digests', boardId);
}

/** "YYYY-MM-DD" of the day before the one `now` falls on, in `timeZone`. */
export function previousDay(now: number, timeZone: string): string {
  const today = toWallTime(now, timeZone).date;
  return shiftDate(today, -1);
}

function shiftDate(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function dayBounds(date: string, timeZone: string): { from: number; to: number } {
  return { from: fromWallTime({ date, time: '00:00' }, timeZone), to: fromWallTime({ date: shiftDate(date, 1), time: '00:00' }, timeZone) };
}

export function makeDigest(store: Store, board: Board, date: string, now: number): DailyDigest {
  const { from, to } = dayBounds(date, board.timeZone);
  const fromIso = new Date(from).toISOString();
  const toIso = new Date(to).toISOString();
  const head = store.db.prepare('SELECT seq, hash, at FROM events WHERE at < ? ORDER BY seq DESC LIMIT 1').get(toIso) as { seq: number; hash: string; at: string } | undefined;
  const postedIds = store.db
    .prepare(
      `SELECT id FROM notices WHERE board_id = ? AND published_at IS NOT NULL AND post_at >= ? AND post_at < ?
         AND (withdrawn_at IS NULL OR withdrawn_at > post_at) ORDER BY post_at, id`,
    )
    .all(board.id, fromIso, toIso) as { id: string }[];
  return {
    format: DIGEST_FORMAT,
    board: { id: board.id, name: board.name, ico: board.ico, publicUrl: board.publicUrl, timeZone: board.timeZone },
    date,
    from: fromIso,
    to: toIso,
    auditHead: head ? { seq: head.seq, hash: head.hash, at: head.at } : null,
    snapshots: store.snapshots.hashesBetween(board.id, fromIso, toIso),
    posted: postedIds
      .map((r) => store.notices.get(r.id)!)
      .map((n) => ({
        id: n.id,
        // Published for good: a notice with personal data is named without its title, and files by
        // their public (redacted) copies only (privacy/).
        title: n.personalData ? 'Oznámení obsahující osobní údaje' : n.title,
        referenceNumber: n.referenceNumber,
        postAt: n.postAt!,
        removeAt: n.removeAt,
        attachments: n.attachments.map(publicAttachment).map((a) => ({ name: a.name, sha256: a.sha256 })),
      })),
    createdAt: new Date(now).toISOString(),
  };
}

/**
 * Writes DIR/YYYY-MM-DD.json and .json.sig (signature first, both by atomic rename) unless that
 * day's digest exists. Returns true when it wrote one. A digest is never rewritten.
 */
export function writeDigest(dir: string, store: Store, board: Board, date: string, now: number, privateKeyPem: string): boolean {
  const json = join(dir, `${date}.json`);
  if (existsSync(json) && existsSync(`${json}.sig`)) return false;
  // Only a finished day: its digest would otherwise miss what is still to come.
  if (dayBounds(date, board.timeZone).to > now) return false;
  mkdirSync(dir, { recursive: true });
  const bytes = Buffer.from(`${JSON.stringify(makeDigest(store, board, date, now), null, 2)}\n`, 'utf8');
  writeFileSync(`${json}.sig.tmp`, signBytes(bytes, privateKeyPem));
  renameSync(`${json}.sig.tmp`, `${json}.sig`);
  writeFileSync(`${json}.tmp`, bytes);
  renameSync(`${json}.tmp`, json);
  return true;
}
