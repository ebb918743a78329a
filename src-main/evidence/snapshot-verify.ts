/**
 * `deska audit verify` for signed snapshots (store/snapshot-parts.ts, docs/snapshots.md): every
 * stored snapshot is put back together from its parts, each part checked against its SHA-256;
 * the joined manifest must have the snapshot's recorded SHA-256, the board key's signature must
 * verify over it, and that SHA-256 must be the one the snapshot's audit event holds (hashed in
 * the chain). A changed, missing or swapped part names the part and the snapshot.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyBytes } from '../publication/signing.ts';
import { sha256 } from '../store/snapshot-parts.ts';
import { SnapshotDamaged, type SnapshotRow } from '../store/snapshots.ts';
import type { Store } from '../store/store.ts';

/** Parts kept in memory while checking (they are shared by many snapshots); dropped beyond this. */
const CACHE_BYTES = 256 * 2 ** 20;

/** Checks every snapshot; appends problems and notes. Returns how many snapshots were checked. */
export function verifySnapshots(store: Store, problems: string[], notes: string[]): number {
  const db = store.db;
  const hasParts = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'snapshot_parts'").get() !== undefined;
  if (!hasParts) return 0;
  const keyFile = join(store.dataDir, 'keys', 'board.pub');
  const publicKey = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : null;
  if (publicKey === null) notes.push(`veřejný klíč desky (${keyFile}) chybí: podpisy snímků nebyly ověřeny, jen jejich otisky`);

  // The SHA-256 each snapshot's audit event recorded (board, seq → sha256).
  const anchored = new Map<string, string>();
  for (const e of db.prepare("SELECT detail FROM events WHERE action = 'snapshot' ORDER BY seq").iterate() as Iterable<{ detail: string }>) {
    try {
      const d = JSON.parse(e.detail) as { board?: unknown; seq?: unknown; sha256?: unknown };
      if (typeof d.board === 'string' && typeof d.seq === 'number' && typeof d.sha256 === 'string') anchored.set(`${d.board}\0${d.seq}`, d.sha256);
    } catch {
      // reported by the chain check as a damaged event
    }
  }

  const cache = new Map<string, Buffer>();
  let cached = 0;
  const read = db.prepare('SELECT body FROM snapshot_parts WHERE hash = ?').pluck();
  const body = (hash: string): Buffer | undefined => {
    const hit = cache.get(hash);
    if (hit) return hit;
    const b = read.get(hash) as Buffer | undefined;
    if (b === undefined) return undefined;
    const actual = sha256(b).toString('hex');
    if (actual !== hash) throw new SnapshotDamaged(`část ${hash} byla změněna přímo v databázi (její SHA-256 je nyní ${actual})`);
    if (cached + b.length > CACHE_BYTES) {
      cache.clear();
      cached = 0;
    }
    cache.set(hash, b);
    cached += b.length;
    return b;
  };

  let checked = 0;
  let unanchored = 0;
  for (const r of db.prepare('SELECT * FROM snapshots ORDER BY board_id, seq').iterate() as Iterable<SnapshotRow>) {
    checked++;
    const what = `snímek ${r.seq} desky ${r.board_id}`;
    let manifest: Buffer;
    try {
      manifest = store.snapshots.assemble(r, body).manifest;
    } catch (e) {
      const message = (e as Error).message;
      problems.push(message.startsWith('snímek ') ? message : `${what}: ${message}`);
      continue;
    }
    if (publicKey !== null && !verifyBytes(manifest, r.signature, publicKey)) problems.push(`${what}: podpis neodpovídá složenému manifestu (snímek nebo jeho podpis byl změněn)`);
    const recorded = anchored.get(`${r.board_id}\0${r.seq}`);
    if (recorded === undefined) unanchored++;
    else if (recorded !== r.sha256) problems.push(`${what}: jeho otisk ${r.sha256} není ten, který zaznamenal auditní log (${recorded}); snímek byl nahrazen přímo v databázi`);
  }
  if (unanchored > 0) notes.push(`${unanchored} snímků nemá v auditním logu událost se svým otiskem (pořídila je starší verze); jejich otisky a podpisy ověřeny byly`);
  return checked;
}
