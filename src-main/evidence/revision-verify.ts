/**
 * `deska audit verify` for corrections: every row of notice_revisions against the full record
 * its 'corrected' audit event holds (hashed in the chain), and each row's content against its
 * SHA-256. A revision edited, inserted or deleted directly in SQLite is reported by field.
 */
import { sha256Hex } from '../publication/signing.ts';
import { fromRevisionRow, revisionRecord } from '../store/revisions.ts';
import type { NoticeRevision } from '../shared/revisions.ts';
import type { Store } from '../store/store.ts';

const LABELS: Record<keyof NoticeRevision, string> = {
  noticeId: 'oznámení',
  revision: 'číslo revize',
  at: 'okamžik',
  actor: 'kdo',
  reason: 'důvod opravy',
  restartsPeriod: 'běží lhůta znovu',
  periodStartAt: 'začátek lhůty',
  lawfulRemoveAt: 'zákonné sejmutí nejdříve',
  contentSha256: 'otisk obsahu',
  content: 'obsah',
  changes: 'změny',
};

function show(v: unknown): string {
  const s = v === null || v === undefined ? '(prázdné)' : typeof v === 'string' ? `„${v}“` : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/** Checks the revisions; appends problems. Returns how many revisions were checked. */
export function verifyRevisions(store: Store, problems: string[]): number {
  const has = store.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'notice_revisions'").get() !== undefined;
  if (!has) return 0;
  const recorded = new Map<string, { seq: number; record: NoticeRevision }>();
  for (const e of store.db.prepare("SELECT seq, detail FROM events WHERE action = 'corrected' ORDER BY seq").iterate() as Iterable<{ seq: number; detail: string }>) {
    let detail: { revision?: NoticeRevision; original?: NoticeRevision };
    try {
      detail = JSON.parse(e.detail) as typeof detail;
    } catch {
      continue; // reported by the chain check as a damaged event
    }
    for (const r of [detail.original, detail.revision]) {
      if (r && typeof r === 'object' && typeof r.noticeId === 'string') recorded.set(`${r.noticeId}#${r.revision}`, { seq: e.seq, record: revisionRecord(r) });
    }
  }
  let count = 0;
  const seen = new Set<string>();
  for (const row of store.db.prepare('SELECT * FROM notice_revisions ORDER BY notice_id, revision').iterate() as Iterable<Parameters<typeof fromRevisionRow>[0]>) {
    count++;
    const key = `${row.notice_id}#${row.revision}`;
    seen.add(key);
    const name = `oznámení ${row.notice_id}, revize ${row.revision}`;
    let now: NoticeRevision;
    try {
      now = fromRevisionRow(row);
    } catch {
      problems.push(`${name}: záznam je poškozený (obsah nebo změny nejsou platný JSON); změněn přímo v databázi`);
      continue;
    }
    if (sha256Hex(row.content) !== row.content_sha256) problems.push(`${name}: obsah neodpovídá svému otisku SHA-256 (změněn přímo v databázi)`);
    const rec = recorded.get(key);
    if (!rec) {
      problems.push(`${name}: v auditním logu o ní není žádná událost (vložena přímo do databáze)`);
      continue;
    }
    for (const k of Object.keys(LABELS) as (keyof NoticeRevision)[]) {
      if (JSON.stringify(now[k]) !== JSON.stringify(rec.record[k])) {
        problems.push(`${name}: pole „${LABELS[k]}“ změněno přímo v databázi: podle události č. ${rec.seq} ${show(rec.record[k])}, nyní ${show(now[k])}`);
      }
    }
  }
  for (const [key, rec] of recorded) {
    if (!seen.has(key)) problems.push(`oznámení ${rec.record.noticeId}, revize ${rec.record.revision}: v auditním logu je (událost č. ${rec.seq}), ale z databáze byla smazána`);
  }
  return count;
}
