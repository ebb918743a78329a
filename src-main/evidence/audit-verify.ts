/**
 * `deska audit verify`: checks that the store still says what the audit log proves.
 * - the hash chain and the head file (store/events.ts);
 * - every notice's row and attachments against the state its newest event recorded, so a
 *   direct edit in SQLite (title, instants, withdrawal reason, an attachment row …) shows;
 * - every attachment file against its SHA-256 name and recorded size, so a replaced or
 *   missing file shows;
 * - every signed snapshot put back together from its parts, its hash, signature and audit event
 *   (snapshot-verify.ts);
 * - each channel's display evidence (sightings, outages) against the digest its newest
 *   `evidence` event recorded, and those events against each other (each names the one before);
 * - approvals: nobody approved their own notice, nothing was published on a four-eyes board
 *   without an approval, the four-eyes settings are as logged (evidence/approval-verify.ts).
 * Problems are sentences an operator understands; `notes` are harmless findings.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { readNoticeState, type NoticeStateRecord } from '../store/events.ts';
import { channelDigestsFromRows } from '../store/evidence.ts';
import { digestsOf, EMPTY_DIGEST, EVIDENCE_ACTION, type ChannelDigest } from '../store/evidence-digest.ts';
import { inboxAnchor, InboxItems } from '../inbox/items.ts';
import type { Store } from '../store/store.ts';
import { verifyRevisions } from './revision-verify.ts';
import { verifySnapshots } from './snapshot-verify.ts';
import { verifyApprovals } from './approval-verify.ts';
import { purgedFiles } from '../privacy/purge.ts';

export interface StoreVerification {
  events: number;
  notices: number;
  files: number;
  /** Signed snapshots put back together from their parts and checked (snapshot-verify.ts). */
  snapshots: number;
  problems: string[];
  notes: string[];
}

const FIELD_LABELS: Record<keyof NoticeStateRecord, string> = {
  id: 'identifikátor',
  boardId: 'deska',
  title: 'název',
  description: 'popis',
  category: 'kategorie',
  department: 'původce (odbor)',
  referenceNumber: 'číslo jednací',
  fileMark: 'spisová značka',
  postAt: 'okamžik vyvěšení',
  removeAt: 'okamžik sejmutí',
  publishedAt: 'okamžik zveřejnění',
  withdrawnAt: 'okamžik stažení',
  withdrawReason: 'důvod stažení',
  createdBy: 'autor',
  createdAt: 'okamžik vytvoření',
  updatedAt: 'okamžik poslední úpravy',
  revision: 'revize',
  type: 'typ oznámení',
  eventDate: 'datum rozhodnutí nebo zasedání',
  personalData: 'obsahuje osobní údaje',
  attachments: 'přílohy',
};

/**
 * Fields recorded only since migration 006, with the value that migration gave every notice
 * that existed then: a state recorded before lacks them and means that value.
 */
const ADDED_LATER: Partial<Record<keyof NoticeStateRecord, unknown>> = { type: 'general', eventDate: null, personalData: false };

/** A value as short quoted text for a problem line. */
function show(v: unknown): string {
  const s = v === null || v === undefined ? '(prázdné)' : typeof v === 'string' ? `„${v}“` : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

function sha256OfFile(file: string): string {
  const h = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

function noticeName(n: { id: string; title?: unknown }): string {
  return typeof n.title === 'string' ? `oznámení ${n.id} (${show(n.title)})` : `oznámení ${n.id}`;
}

function checkNotices(store: Store, problems: string[], notes: string[]): number {
  const ids = new Set((store.db.prepare('SELECT id FROM notices ORDER BY id').all() as { id: string }[]).map((r) => r.id));
  const logged = store.db.prepare('SELECT DISTINCT notice_id AS id FROM events WHERE notice_id IS NOT NULL').all() as { id: string }[];
  let unrecorded = 0;
  for (const id of ids) {
    const now = readNoticeState(store.db, id)!;
    const rec = store.audit.recordedState(id);
    if (rec === null) {
      if (store.audit.list(id).length === 0) problems.push(`${noticeName(now)}: v auditním logu o něm není žádná událost (bylo vloženo přímo do databáze)`);
      else unrecorded++;
      continue;
    }
    let recorded: Partial<NoticeStateRecord>;
    try {
      recorded = JSON.parse(rec.state) as Partial<NoticeStateRecord>;
    } catch {
      continue; // reported by the chain check as a damaged event
    }
    for (const [k, v] of Object.entries(ADDED_LATER)) if (!(k in recorded)) Object.assign(recorded, { [k]: v });
    const changed = (Object.keys(FIELD_LABELS) as (keyof NoticeStateRecord)[]).filter((k) => JSON.stringify(now[k]) !== JSON.stringify(recorded[k]));
    for (const k of changed) {
      if (k === 'attachments') {
        for (const d of attachmentChanges(recorded.attachments ?? [], now.attachments)) {
          problems.push(`${noticeName(now)}: ${d} přímo v databázi (podle události č. ${rec.seq})`);
        }
      } else {
        problems.push(`${noticeName(now)}: pole „${FIELD_LABELS[k]}“ změněno přímo v databázi: podle události č. ${rec.seq} ${show(recorded[k])}, nyní ${show(now[k])}`);
      }
    }
  }
  for (const { id } of logged) {
    if (!ids.has(id) && store.audit.recordedState(id) !== null) problems.push(`oznámení ${id}: v auditním logu je, ale z databáze bylo smazáno`);
  }
  if (unrecorded > 0) {
    notes.push(`${unrecorded} oznámení nemá zaznamenaný stav (vznikla ve starší verzi a od té doby se nezměnila); jejich řádky nelze porovnat s logem`);
  }
  return ids.size;
}

/** How a notice's attachment list differs from the recorded one, one phrase per attachment. */
function attachmentChanges(was: NoticeStateRecord['attachments'], now: NoticeStateRecord['attachments']): string[] {
  const out: string[] = [];
  const before = new Map(was.map((a) => [a.sha256, a]));
  const after = new Map(now.map((a) => [a.sha256, a]));
  for (const [sha, a] of before) {
    const b = after.get(sha);
    if (!b) out.push(`příloha ${show(a.name)} (${sha}) odebrána`);
    else if (JSON.stringify(a) !== JSON.stringify(b)) {
      const what = (['name', 'position', 'size', 'mediaType'] as const).filter((k) => a[k] !== b[k]);
      out.push(`příloha ${show(a.name)} (${sha}): ${what.map((k) => `${ATTACHMENT_LABELS[k]} ${show(a[k])} → ${show(b[k])}`).join(', ')} změněno`);
    }
  }
  for (const [sha, b] of after) if (!before.has(sha)) out.push(`příloha ${show(b.name)} (${sha}) přidána`);
  return out.length > 0 ? out : ['seznam příloh změněn'];
}

const ATTACHMENT_LABELS = { name: 'název', position: 'pořadí', size: 'velikost', mediaType: 'typ' } as const;

function checkFiles(store: Store, problems: string[], notes: string[]): number {
  // Files deleted by the privacy purge: missing by rule, as the audit log records (privacy/purge.ts).
  const purged = purgedFiles(store);
  let purgedMissing = 0;
  const rows = store.db.prepare('SELECT sha256, size FROM blobs ORDER BY sha256').all() as { sha256: string; size: number }[];
  const users = store.db.prepare('SELECT n.id, n.title FROM notice_attachments a JOIN notices n ON n.id = a.notice_id WHERE a.sha256 = ? ORDER BY n.id');
  for (const { sha256, size } of rows) {
    const who = (users.all(sha256) as { id: string; title: string }[]).map(noticeName);
    const of = `soubor přílohy ${sha256}${who.length > 0 ? ` (${who.join(', ')})` : ''}`;
    let file: string;
    try {
      file = store.blobs.path(sha256);
    } catch {
      problems.push(`${of}: záznam přílohy nemá platný kontrolní součet`);
      continue;
    }
    if (!existsSync(file)) {
      if (purged.has(sha256)) {
        purgedMissing++;
        continue;
      }
      problems.push(`${of} chybí (${file}); obnovte jej ze zálohy`);
      continue;
    }
    let actual: string;
    try {
      actual = sha256OfFile(file);
    } catch (e) {
      problems.push(`${of} nelze přečíst: ${(e as Error).message}`);
      continue;
    }
    if (actual !== sha256) problems.push(`${of} byl nahrazen jiným obsahem (jeho SHA-256 je nyní ${actual}); obnovte jej ze zálohy`);
    else if (statSync(file).size !== size) {
      problems.push(`${of}: velikost v databázi (${size} B) neodpovídá souboru (${statSync(file).size} B); záznam byl změněn přímo v databázi`);
    }
  }
  if (purgedMissing > 0) {
    notes.push(`smazané soubory příloh oznámení s osobními údaji (po uplynutí lhůty uchování; každý výmaz s otisky je v auditním logu): ${purgedMissing}`);
  }
  return rows.length;
}

/** Checks the whole store against its audit log. `repairHead`: bring a head file left behind by a crash up to date. */
export function verifyStore(store: Store, o: { repairHead?: boolean } = {}): StoreVerification {
  const chain = store.audit.verify({ repairHead: o.repairHead });
  const problems = [...chain.problems];
  const notes = [...chain.notes];
  const notices = checkNotices(store, problems, notes);
  const files = checkFiles(store, problems, notes);
  checkEvidence(store, problems, notes);
  checkInbox(store, problems, notes);
  verifyRevisions(store, problems);
  verifyApprovals(store, problems, notes);
  const snapshots = verifySnapshots(store, problems, notes);
  return { events: chain.events, notices, files, snapshots, problems, notes };
}

function rowsWord(n: number): string {
  return n === 1 ? '1 záznam' : n >= 2 && n <= 4 ? `${n} záznamy` : `${n} záznamů`;
}

/** Sightings and outages per channel against the newest digest the log recorded for it. */
function checkEvidence(store: Store, problems: string[], notes: string[]): void {
  const hasHeads = store.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evidence_heads'").get() !== undefined;
  if (!hasHeads) return;
  const anchored = new Map<string, ChannelDigest & { seq: number }>();
  let baselineAnchored = false;
  const events = store.db.prepare(`SELECT seq, detail FROM events WHERE action = '${EVIDENCE_ACTION}' ORDER BY seq`).iterate() as Iterable<{ seq: number; detail: string }>;
  for (const e of events) {
    let detail: unknown;
    try {
      detail = JSON.parse(e.detail);
    } catch {
      continue; // reported by the chain check as a damaged event
    }
    if ((detail as { baseline?: unknown }).baseline === true) baselineAnchored = true;
    const prevs = ((detail as { channels?: Record<string, { prev?: unknown }> }).channels ?? {}) as Record<string, { prev?: unknown }>;
    for (const [ch, d] of Object.entries(digestsOf(detail))) {
      const before = anchored.get(ch)?.seq ?? 0;
      const prev = prevs[ch]?.prev;
      if (typeof prev === 'number' && prev !== before) {
        problems.push(`důkazy o zobrazení „${ch}“: událost č. ${e.seq} navazuje na událost č. ${prev}, poslední předchozí je č. ${before} (záznamy byly vráceny do staršího stavu přímo v databázi)`);
      }
      anchored.set(ch, { ...d, seq: e.seq });
    }
  }
  const baselines = new Map(
    (store.db.prepare('SELECT channel, digest, rows FROM evidence_heads WHERE seq = 0').all() as { channel: string; digest: string; rows: number }[]).map((r) => [r.channel, r]),
  );
  const now = channelDigestsFromRows(store.db);
  let legacy = 0;
  for (const ch of [...new Set([...anchored.keys(), ...now.keys()])].sort()) {
    const is = now.get(ch) ?? EMPTY_DIGEST;
    const rec = anchored.get(ch);
    const label = `důkazy o zobrazení „${ch}“ (zobrazení a výpadky)`;
    if (!rec) {
      const base = baselines.get(ch);
      if (base && base.digest === is.digest && base.rows === is.rows && !baselineAnchored) legacy++;
      else if (base && baselineAnchored) problems.push(`${label}: výchozí stav „ze starší verze“, který není v auditním logu ukotven (vložen přímo do databáze), a k němu ${rowsWord(is.rows)} bez události v logu`);
      else problems.push(`${label}: ${rowsWord(is.rows)} bez záznamu v auditním logu (vloženo přímo do databáze)`);
      continue;
    }
    if (rec.digest === is.digest && rec.rows === is.rows) continue;
    const how =
      is.rows > rec.rows
        ? `přibylo ${rowsWord(is.rows - rec.rows)}`
        : is.rows < rec.rows
          ? `ubylo ${rowsWord(rec.rows - is.rows)}`
          : 'záznam byl změněn';
    problems.push(`${label} změněny přímo v databázi: ${how} oproti události č. ${rec.seq} (tam ${rowsWord(rec.rows)}, nyní ${rowsWord(is.rows)})`);
  }
  if (legacy > 0) notes.push(`důkazy o zobrazení ${legacy} kanálů vznikly ve starší verzi a od té doby se nezměnily; nejsou v auditním logu ukotveny`);
}

/**
 * Every inbox row (which external document became which notice, and so which later package is a
 * duplicate) against its `inbox-imported` event. Rows from before that event existed are accepted
 * as a note when their notice was created by that inbox system and no other row claims it.
 */
function checkInbox(store: Store, problems: string[], notes: string[]): void {
  const hasTable = store.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'inbox_items'").get() !== undefined;
  if (!hasTable) return;
  const anchors = new Map<string, string[]>();
  let firstAnchorAt: string | null = null;
  for (const e of store.db.prepare("SELECT notice_id, at, detail FROM events WHERE action = 'inbox-imported' ORDER BY seq").iterate() as Iterable<{ notice_id: string | null; at: string; detail: string }>) {
    firstAnchorAt ??= e.at;
    const list = anchors.get(e.notice_id ?? '') ?? [];
    list.push(e.detail);
    anchors.set(e.notice_id ?? '', list);
  }
  const items = new InboxItems(store.db).all();
  const rowsPerNotice = new Map<string, number>();
  for (const i of items) rowsPerNotice.set(i.noticeId, (rowsPerNotice.get(i.noticeId) ?? 0) + 1);
  let legacy = 0;
  for (const i of items) {
    const what = `záznam doručené složky „${i.system}“ / „${i.externalKey}“ (oznámení ${i.noticeId})`;
    const want = JSON.stringify(inboxAnchor(i));
    const recorded = (anchors.get(i.noticeId) ?? []).flatMap((d) => {
      try {
        return [inboxAnchor(fromAnchor(JSON.parse(d) as Record<string, unknown>))];
      } catch {
        return []; // reported by the chain check as a damaged event
      }
    });
    if (recorded.some((a) => JSON.stringify(a) === want)) continue;
    if (recorded.some((a) => a.system === i.system && a.externalKey === i.externalKey)) {
      problems.push(`${what}: neodpovídá události o importu v auditním logu (změněn přímo v databázi)`);
      continue;
    }
    if (recorded.length > 0) {
      problems.push(`${what}: v auditním logu o něm není žádná událost (vložen přímo do databáze; mohl by z pravého balíčku udělat duplikát)`);
      continue;
    }
    const createdBy = store.audit.list(i.noticeId).find((e) => e.action === 'created')?.actor;
    const older = firstAnchorAt === null || i.importedAt < firstAnchorAt;
    if (createdBy === `inbox:${i.system}` && rowsPerNotice.get(i.noticeId) === 1 && older) legacy++;
    else problems.push(`${what}: v auditním logu o něm není žádná událost (vložen přímo do databáze; mohl by z pravého balíčku udělat duplikát)`);
  }
  if (legacy > 0) notes.push(`${legacy} záznamů doručené složky vzniklo ve starší verzi bez události o importu; jejich oznámení založil odpovídající systém`);
}

function fromAnchor(d: Record<string, unknown>): Parameters<typeof inboxAnchor>[0] {
  const s = (k: string): string => String(d[k]);
  const n = (k: string): string | null => (d[k] === null || d[k] === undefined ? null : String(d[k]));
  return { boardId: s('board'), system: s('system'), externalKey: s('externalKey'), documentId: n('documentId'), referenceNumber: n('referenceNumber'), packageSha256: s('packageSha256'), via: s('via') as 'folder' | 'http', claim: s('claim') };
}
