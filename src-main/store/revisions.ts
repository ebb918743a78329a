/**
 * Corrections of posted notices. A correction keeps the notice's id (and so its public URL),
 * changes its row to the new content, and adds an immutable revision (table notice_revisions):
 * the full content with its SHA-256, who, when, why, and whether the lawful period restarts.
 * The first correction also records revision 1, the notice as it was posted. Each correction
 * appends one 'corrected' audit event whose detail holds the full revision record(s), so the
 * hash chain proves them and `deska audit verify` (evidence/revision-verify.ts) catches an edit.
 *
 * The law (src-main/legal/): with a restart the period (and e.g. the 15-day delivery fiction)
 * counts again from the correction's instant, so the lawful removal moves later; without one the
 * period stays as it was (for typos). Neither may ever shorten the lawful period already running,
 * and a removal that would now be too early moves to the new lawful removal.
 */
import type { Notice } from '../shared/domain.ts';
import { noticeStateAt } from '../shared/domain.ts';
import type { FeedNotice } from '../shared/feed.ts';
import type { CorrectionMetadata, CorrectionPreview, NoticeRevision, PeriodOutcome, RevisionChange, RevisionContent } from '../shared/revisions.ts';
import type { LawfulPeriod, NoticeType } from '../shared/notice-types.ts';
import { GENERAL_TYPE } from '../legal/defaults.ts';
import { lawfulPeriod } from '../legal/periods.ts';
import { checkEventDate, formatDayLong } from '../legal/rules.ts';
import { formatWall } from '../shared/zone.ts';
import { sha256Hex } from '../publication/signing.ts';
import { prepared, type Db } from './db.ts';
import type { AuditLog } from './events.ts';
import type { NewAttachment, NoticeRepo } from './notices.ts';
import { DomainError } from './notices.ts';
import type { NoticeTypeRepo } from './notice-types.ts';

/** What a correction may change, as the API parsed it. postAt is history and never changes. */
export type CorrectionPatch = Omit<CorrectionMetadata, 'reason' | 'restartPeriod' | 'removeAttachments'>;

export interface CorrectionRequest {
  patch: CorrectionPatch;
  add: NewAttachment[];
  removeShas: string[];
  reason: string;
  restartPeriod: boolean;
}

interface RevisionRow {
  notice_id: string;
  revision: number;
  at: string;
  actor: string;
  reason: string;
  restarts_period: number;
  period_start_at: string;
  lawful_remove_at: string | null;
  content: string;
  content_sha256: string;
  changes: string;
}

const SCALARS = ['title', 'description', 'category', 'department', 'referenceNumber', 'fileMark', 'type', 'eventDate', 'postAt', 'removeAt'] as const;

/** The content of a notice as a revision records it, keys in a fixed order (its JSON is hashed). */
export function contentOf(n: Notice): RevisionContent {
  return {
    title: n.title,
    description: n.description,
    category: n.category,
    department: n.department,
    referenceNumber: n.referenceNumber,
    fileMark: n.fileMark,
    type: n.type ?? GENERAL_TYPE,
    eventDate: n.eventDate ?? null,
    postAt: n.postAt,
    removeAt: n.removeAt,
    attachments: n.attachments.map((a) => ({ sha256: a.sha256, name: a.name, size: a.size })),
  };
}

export function contentHash(c: RevisionContent): string {
  return sha256Hex(JSON.stringify(c));
}

/** A revision as plain JSON with keys in a fixed order: what the audit event records and verify compares. */
export function revisionRecord(r: NoticeRevision): NoticeRevision {
  return {
    noticeId: r.noticeId,
    revision: r.revision,
    at: r.at,
    actor: r.actor,
    reason: r.reason,
    restartsPeriod: r.restartsPeriod,
    periodStartAt: r.periodStartAt,
    lawfulRemoveAt: r.lawfulRemoveAt,
    contentSha256: r.contentSha256,
    content: r.content,
    changes: r.changes,
  };
}

export function fromRevisionRow(r: RevisionRow): NoticeRevision {
  return revisionRecord({
    noticeId: r.notice_id,
    revision: r.revision,
    at: r.at,
    actor: r.actor,
    reason: r.reason,
    restartsPeriod: r.restarts_period === 1,
    periodStartAt: r.period_start_at,
    lawfulRemoveAt: r.lawful_remove_at,
    contentSha256: r.content_sha256,
    content: JSON.parse(r.content) as RevisionContent,
    changes: JSON.parse(r.changes) as RevisionChange[],
  });
}

/** The field-level differences between two contents. */
export function diffContent(a: RevisionContent, b: RevisionContent): RevisionChange[] {
  const out: RevisionChange[] = [];
  for (const k of SCALARS) if (a[k] !== b[k]) out.push({ field: k, from: a[k], to: b[k] });
  const before = new Set(a.attachments.map((x) => x.sha256));
  const after = new Set(b.attachments.map((x) => x.sha256));
  const added = b.attachments.filter((x) => !before.has(x.sha256)).map((x) => x.name);
  const removed = a.attachments.filter((x) => !after.has(x.sha256)).map((x) => x.name);
  if (added.length > 0 || removed.length > 0) out.push({ field: 'attachments', added, removed });
  return out;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class RevisionRepo {
  private readonly db: Db;
  private readonly audit: AuditLog;
  private readonly notices: NoticeRepo;
  private readonly types: NoticeTypeRepo;

  constructor(db: Db, audit: AuditLog, notices: NoticeRepo, types: NoticeTypeRepo) {
    this.db = db;
    this.audit = audit;
    this.notices = notices;
    this.types = types;
  }

  /** A notice's revisions, oldest first; empty while it was never corrected. */
  list(noticeId: string): NoticeRevision[] {
    const rows = prepared(this.db, 'SELECT * FROM notice_revisions WHERE notice_id = ? ORDER BY revision').all(noticeId) as RevisionRow[];
    return rows.map(fromRevisionRow);
  }

  /** The registers of many notices at once (the feed of a whole board), by notice id; notices never corrected are absent. */
  registers(noticeIds: string[]): Map<string, NoticeRevision[]> {
    const out = new Map<string, NoticeRevision[]>();
    if (noticeIds.length === 0) return out;
    const rows = prepared(this.db,
      'SELECT * FROM notice_revisions WHERE notice_id IN (SELECT value FROM json_each(?)) ORDER BY notice_id, revision')
      .all(JSON.stringify(noticeIds)) as RevisionRow[];
    for (const r of rows) {
      const list = out.get(r.notice_id);
      if (list) list.push(fromRevisionRow(r));
      else out.set(r.notice_id, [fromRevisionRow(r)]);
    }
    return out;
  }

  /** The feed's notices with the change register of each corrected one (FeedNotice.register). */
  withRegisters(notices: FeedNotice[]): FeedNotice[] {
    const all = this.registers(notices.map((n) => n.id));
    if (all.size === 0) return notices;
    return notices.map((n) => {
      const list = all.get(n.id);
      return list ? { ...n, register: list.map(({ noticeId: _id, content: _content, ...entry }) => entry) } : n;
    });
  }

  /** From when a notice's lawful period counts: the newest restarting correction, else its posting. */
  periodStart(n: Pick<Notice, 'id' | 'postAt'>): string | null {
    const r = prepared(this.db, 'SELECT MAX(at) AS at FROM notice_revisions WHERE notice_id = ? AND restarts_period = 1').get(n.id) as { at: string | null };
    return r.at ?? n.postAt;
  }

  /** What a correction made at `now` would mean for the period, with and without a restart. */
  preview(id: string, now: number): CorrectionPreview | null {
    const n = this.notices.require(id);
    if (noticeStateAt(n, now) !== 'posted') return null;
    const t = this.typeOf(n.boardId, n.type ?? GENERAL_TYPE);
    const start = this.periodStart(n)!;
    const old = this.period(n.boardId, t, Date.parse(start), n.eventDate ?? null);
    const outcome = (startAt: number): PeriodOutcome => {
      const p = this.period(n.boardId, t, startAt, n.eventDate ?? null);
      const eff = lawfulMs(p) >= lawfulMs(old) ? p : old;
      const lawful = lawfulMs(eff);
      return {
        periodStartAt: iso(startAt),
        lastDay: eff.lastDay,
        lawfulRemoveAt: eff.lastDay === null ? null : iso(lawful),
        removeAt: n.removeAt === null || eff.lastDay === null || Date.parse(n.removeAt) >= lawful ? n.removeAt : iso(lawful),
      };
    };
    return { at: iso(now), keep: outcome(Date.parse(start)), restart: outcome(now) };
  }

  /** Corrects a posted notice; returns it as it is now. Call inside the publication trigger's commit. */
  correct(id: string, req: CorrectionRequest, actor: string, now: number): Notice {
    const n = this.notices.require(id);
    const state = noticeStateAt(n, now);
    if (state === 'draft' || state === 'scheduled') {
      throw new DomainError('not_posted', 'Oznámení ještě není vyvěšené: změňte je běžnou úpravou (Uložit změny). Opravu s odůvodněním má jen vyvěšené oznámení.', 409);
    }
    if (state !== 'posted') throw new DomainError('closed', 'Sejmuté nebo stažené oznámení už nelze opravit.', 409);
    const reason = req.reason.trim();
    if (reason.length < 3) {
      throw new DomainError('reason_required', 'Uveďte důvod opravy (alespoň 3 znaky): proč se vyvěšené oznámení mění. Důvod se zobrazí v rejstříku změn na webu a na potvrzení o vyvěšení.', 422);
    }
    const unknown = req.removeShas.filter((sha) => !n.attachments.some((a) => a.sha256 === sha));
    if (unknown.length > 0) {
      throw new DomainError('unknown_attachment', `Oznámení nemá přílohu s otiskem ${unknown.join(', ')}; nic nebylo změněno. Obnovte stránku a vyberte přílohy k odebrání znovu.`, 422);
    }
    const before = contentOf(n);
    const p = req.patch;
    const next: RevisionContent = {
      ...before,
      ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)),
      attachments: [
        ...before.attachments.filter((a) => !req.removeShas.includes(a.sha256)),
        ...req.add.filter((a) => !before.attachments.some((b) => b.sha256 === a.sha256)).map((a) => ({ sha256: a.sha256, name: a.name, size: a.size })),
      ],
    };
    if (next.title.trim() === '') throw new DomainError('title_required', 'Vyplňte název oznámení.', 422);
    if (next.title.length > 500) throw new DomainError('title_too_long', 'Název oznámení může mít nejvýše 500 znaků.', 422);
    if (next.attachments.length === 0 && next.description.trim() === '') {
      throw new DomainError('empty', 'Opravené oznámení by nemělo žádný text ani přílohu.', 422);
    }

    // The lawful period: never shorter than the one running now.
    const oldType = this.typeOf(n.boardId, before.type);
    const newType = this.typeOf(n.boardId, next.type);
    const bad = checkEventDate(newType, next.eventDate);
    if (bad) throw new DomainError(bad.code, bad.message, 422);
    if (newType.rule !== 'before-event') next.eventDate = null;
    const oldStart = Date.parse(this.periodStart(n)!);
    const oldPeriod = this.period(n.boardId, oldType, oldStart, before.eventDate);
    const start = req.restartPeriod ? now : oldStart;
    const newPeriod = this.period(n.boardId, newType, start, next.eventDate);
    const tz = this.types.calendar(n.boardId).timeZone;
    if (lawfulMs(newPeriod) < lawfulMs(oldPeriod)) {
      throw new DomainError('period_shortened',
        `Oprava by zkrátila zákonnou lhůtu vyvěšení, která už běží (nyní do ${formatDayLong(oldPeriod.lastDay!)} včetně, ` +
        `sejmutí nejdříve ${formatWall(lawfulMs(oldPeriod), tz)}). Ponechte typ oznámení a datum události, nebo zvolte typ se stejnou či delší lhůtou.`, 422);
    }
    const lawful = lawfulMs(newPeriod);
    const hasMinimum = newPeriod.lastDay !== null;
    const given = p.removeAt;
    const shortens = given !== undefined && given !== null && (before.removeAt === null || Date.parse(given) < Date.parse(before.removeAt));
    if (shortens) {
      throw new DomainError('early_removal', 'Oprava nemůže zkrátit dobu vyvěšení. Pro předčasné sejmutí oznámení stáhněte s odůvodněním.', 409);
    }
    if (next.removeAt !== null && hasMinimum && Date.parse(next.removeAt) < lawful) {
      // A removal the clerk asked for anew is refused; the one kept from before moves to the new lawful removal.
      if (given !== undefined && given !== before.removeAt) {
        throw new DomainError('before_lawful_removal',
          `Po opravě musí oznámení zůstat vyvěšeno nejméně do konce dne ${formatDayLong(newPeriod.lastDay!)}; ` +
          `sejmout jej lze nejdříve ${formatWall(lawful, tz)}. Posuňte datum sejmutí na pozdější, nebo je ponechte beze změny (posune se samo).`, 422);
      }
      next.removeAt = iso(lawful);
    }
    if (next.removeAt !== null && next.postAt !== null && Date.parse(next.removeAt) <= now) {
      throw new DomainError('early_removal', 'Datum sejmutí po opravě musí být v budoucnosti. Pro sejmutí oznámení stáhněte s odůvodněním.', 409);
    }
    const changes = diffContent(before, next);
    if (changes.length === 0) {
      throw new DomainError('nothing_changed', 'Oprava nic nemění: upravte alespoň jeden údaj nebo dokument.', 422);
    }

    const existing = this.list(id);
    const original: NoticeRevision | null =
      existing.length > 0
        ? null
        : revisionRecord({
            noticeId: id,
            revision: 1,
            at: n.postAt!,
            actor: this.postedBy(id),
            reason: '',
            restartsPeriod: false,
            periodStartAt: n.postAt!,
            lawfulRemoveAt: oldPeriod.lastDay === null ? null : iso(lawfulMs(oldPeriod)),
            contentSha256: contentHash(before),
            content: before,
            changes: [],
          });
    const number = (existing.at(-1)?.revision ?? 1) + 1;
    const revision = revisionRecord({
      noticeId: id,
      revision: number,
      at: iso(now),
      actor,
      reason,
      restartsPeriod: req.restartPeriod,
      periodStartAt: iso(start),
      lawfulRemoveAt: hasMinimum ? iso(lawful) : null,
      contentSha256: contentHash(next),
      content: next,
      changes,
    });

    this.db.transaction(() => {
      prepared(this.db,
        `UPDATE notices SET title = @title, description = @description, category = @category, department = @department,
           reference_number = @referenceNumber, file_mark = @fileMark, type = @type, event_date = @eventDate, remove_at = @removeAt,
           updated_at = @updatedAt, revision = revision + 1 WHERE id = @id`)
        .run({
          title: next.title, description: next.description, category: next.category, department: next.department,
          referenceNumber: next.referenceNumber, fileMark: next.fileMark, type: next.type, eventDate: next.eventDate,
          removeAt: next.removeAt, updatedAt: iso(now), id,
        });
      for (const sha of req.removeShas) prepared(this.db, 'DELETE FROM notice_attachments WHERE notice_id = ? AND sha256 = ?').run(id, sha);
      const pos = (prepared(this.db, 'SELECT COALESCE(MAX(position), 0) AS p FROM notice_attachments WHERE notice_id = ?').get(id) as { p: number }).p;
      req.add.forEach((a, i) => {
        prepared(this.db, 'INSERT OR IGNORE INTO notice_attachments (notice_id, sha256, name, position) VALUES (?, ?, ?, ?)').run(id, a.sha256, a.name, pos + i + 1);
      });
      if (original) this.insert(original);
      this.insert(revision);
      this.audit.append({
        at: now,
        actor,
        action: 'corrected',
        noticeId: id,
        detail: { reason, restartsPeriod: req.restartPeriod, revision, ...(original ? { original } : {}) },
      });
    })();
    return this.notices.require(id);
  }

  private insert(r: NoticeRevision): void {
    prepared(this.db,
      `INSERT INTO notice_revisions (notice_id, revision, at, actor, reason, restarts_period, period_start_at, lawful_remove_at, content, content_sha256, changes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(r.noticeId, r.revision, r.at, r.actor, r.reason, r.restartsPeriod ? 1 : 0, r.periodStartAt, r.lawfulRemoveAt,
        JSON.stringify(r.content), r.contentSha256, JSON.stringify(r.changes));
  }

  /** Who published the notice (the 'published' event's actor), else who created it. */
  private postedBy(id: string): string {
    const e = prepared(this.db, "SELECT actor FROM events WHERE notice_id = ? AND action = 'published' ORDER BY seq DESC LIMIT 1").get(id) as { actor: string } | undefined;
    if (e) return e.actor;
    return (prepared(this.db, 'SELECT created_by FROM notices WHERE id = ?').get(id) as { created_by: string }).created_by;
  }

  private typeOf(boardId: string, id: string): NoticeType {
    const t = this.types.get(boardId, id);
    if (!t) {
      const known = this.types.list(boardId).map((x) => `„${x.id}“ (${x.name})`).join(', ');
      throw new DomainError('unknown_type', `Typ oznámení „${id}“ na této desce neexistuje. Zvolte jeden z: ${known}.`, 422);
    }
    return t;
  }

  private period(boardId: string, t: NoticeType, startAt: number, eventDate: string | null): LawfulPeriod {
    return lawfulPeriod(t, this.types.calendar(boardId), startAt, eventDate);
  }
}

/** Earliest lawful removal of a period, ms; -Infinity-like (0) for a type without a minimum. */
function lawfulMs(p: LawfulPeriod): number {
  return p.lastDay === null ? 0 : p.removeNotBefore;
}
