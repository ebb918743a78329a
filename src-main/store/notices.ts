/** Notices and their attachments: reads, and the writes that each append an audit event. */
import { randomUUID } from 'node:crypto';
import type { AttachmentRef, Board, Notice, NoticeFields, NoticeState } from '../shared/domain.ts';
import { noticeStateAt } from '../shared/domain.ts';
import { prepared, type Db } from './db.ts';
import type { AuditLog } from './events.ts';
import { NoticeTypeRepo } from './notice-types.ts';
import { GENERAL_TYPE } from '../legal/defaults.ts';
import { lawfulPeriod } from '../legal/periods.ts';
import { checkEventDate, checkRemoval } from '../legal/rules.ts';

/** A rule a request broke; the message is for the clerk (Czech), the code for programs. */
export class DomainError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 422) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** A row of the notices table as SQLite returns it. */
export interface NoticeRow {
  id: string;
  board_id: string;
  title: string;
  description: string;
  category: string;
  department: string;
  reference_number: string;
  file_mark: string;
  post_at: string | null;
  remove_at: string | null;
  published_at: string | null;
  withdrawn_at: string | null;
  withdraw_reason: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  revision: number;
  /** Migration 006. */
  type: string;
  event_date: string | null;
  /** Migration 013: 1 when the notice contains personal data. */
  personal_data: number;
}

const EDITABLE: (keyof NoticeFields)[] = [
  'title',
  'description',
  'category',
  'department',
  'referenceNumber',
  'fileMark',
  'postAt',
  'removeAt',
  'type',
  'eventDate',
  'personalData',
];

const COLUMN: Record<keyof NoticeFields, string> = {
  title: 'title',
  description: 'description',
  category: 'category',
  department: 'department',
  referenceNumber: 'reference_number',
  fileMark: 'file_mark',
  postAt: 'post_at',
  removeAt: 'remove_at',
  type: 'type',
  eventDate: 'event_date',
  personalData: 'personal_data',
};

export interface NewAttachment {
  sha256: string;
  name: string;
  size: number;
}

export class NoticeRepo {
  private readonly db: Db;
  private readonly audit: AuditLog;
  private readonly types: NoticeTypeRepo;
  /** Set by Store: approval rules checked before publishing and applied after an edit (store/approvals.ts). */
  hooks: {
    beforePublish?: (n: Notice, actor: string) => void;
    afterEdit?: (id: string, actor: string, now: number) => void;
    /** Before a change of a scheduled notice; `harmless` when it only keeps it up longer or flags personal data. */
    beforeScheduledEdit?: (n: Notice, now: number, harmless: boolean) => void;
  } = {};

  constructor(db: Db, audit: AuditLog) {
    this.db = db;
    this.audit = audit;
    this.types = new NoticeTypeRepo(db);
  }

  get(id: string): Notice | null {
    const row = prepared(this.db, 'SELECT * FROM notices WHERE id = ?').get(id) as NoticeRow | undefined;
    return row ? this.fromRow(row) : null;
  }

  require(id: string): Notice {
    const n = this.get(id);
    if (!n) throw new DomainError('not_found', 'Oznámení neexistuje.', 404);
    return n;
  }

  list(boardId: string): Notice[] {
    const rows = prepared(this.db,
      'SELECT * FROM notices WHERE board_id = ? ORDER BY COALESCE(post_at, created_at) DESC, id')
      .all(boardId) as NoticeRow[];
    return rows.map((r) => this.fromRow(r));
  }

  /** Published notices that matter at `now` for the feed: not withdrawn, not yet removed. */
  live(boardId: string, now: number): Notice[] {
    const iso = new Date(now).toISOString();
    const rows = prepared(this.db,
      
        `SELECT * FROM notices WHERE board_id = ? AND published_at IS NOT NULL AND post_at IS NOT NULL
           AND (withdrawn_at IS NULL OR withdrawn_at > ?) AND (remove_at IS NULL OR remove_at > ?)
         ORDER BY post_at, id`,
      )
      .all(boardId, iso, iso) as NoticeRow[];
    return this.fromBoardRows(boardId, rows);
  }

  /** Every posting or removal instant of published notices after `after`, ascending. */
  instantsAfter(after: number, limit = 1): number[] {
    const iso = new Date(after).toISOString();
    const rows = prepared(this.db,
      
        `SELECT t FROM (
           SELECT post_at AS t FROM notices WHERE published_at IS NOT NULL AND withdrawn_at IS NULL AND post_at > ?
           UNION SELECT remove_at AS t FROM notices WHERE published_at IS NOT NULL AND withdrawn_at IS NULL AND remove_at > ?)
         ORDER BY t LIMIT ?`,
      )
      .all(iso, iso, limit) as { t: string }[];
    return rows.map((r) => Date.parse(r.t));
  }

  /** Posting instants (only) of published notices after `after`, ascending: when notices enter the feed. */
  postingsAfter(after: number, limit = 1): number[] {
    const rows = prepared(this.db,
      
        `SELECT DISTINCT post_at AS t FROM notices WHERE published_at IS NOT NULL AND withdrawn_at IS NULL AND post_at > ?
         ORDER BY t LIMIT ?`,
      )
      .all(new Date(after).toISOString(), limit) as { t: string }[];
    return rows.map((r) => Date.parse(r.t));
  }

  /** Published notices whose posting or removal instant has passed but was not yet logged. */
  dueTransitions(now: number): { notice: Notice; action: 'posted' | 'removed'; at: string }[] {
    const iso = new Date(now).toISOString();
    const rows = prepared(this.db,
      
        `SELECT n.*, 'posted' AS action, n.post_at AS due FROM notices n
           WHERE n.published_at IS NOT NULL AND n.post_at <= ? AND (n.withdrawn_at IS NULL OR n.withdrawn_at > n.post_at)
             AND NOT EXISTS (SELECT 1 FROM events e WHERE e.notice_id = n.id AND e.action = 'posted')
         UNION ALL
         SELECT n.*, 'removed' AS action, n.remove_at AS due FROM notices n
           WHERE n.published_at IS NOT NULL AND n.remove_at IS NOT NULL AND n.remove_at <= ? AND n.withdrawn_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM events e WHERE e.notice_id = n.id AND e.action = 'removed')
         ORDER BY due`,
      )
      .all(iso, iso) as (NoticeRow & { action: 'posted' | 'removed'; due: string })[];
    return rows.map((r) => ({ notice: this.fromRow(r), action: r.action, at: r.due }));
  }

  /**
   * The same due postings and removals as dueTransitions, as bare rows, the first `limit` of them
   * by due instant (-1: all): the schedule logs a backlog of thousands in slices, and learns which
   * boards changed, without loading every notice. With `since`, only those due after it (a timer
   * tick looks at its own window; the minute sweep looks at everything).
   */
  dueInstants(now: number, limit = -1, since: number | null = null): { noticeId: string; boardId: string; action: 'posted' | 'removed'; at: string }[] {
    const iso = new Date(now).toISOString();
    const from = since === null ? '' : new Date(since).toISOString();
    const rows = prepared(this.db,
        `SELECT id, board_id, action, due FROM (
           SELECT n.id, n.board_id, 'posted' AS action, n.post_at AS due FROM notices n
             WHERE n.published_at IS NOT NULL AND n.post_at <= ? AND n.post_at > ? AND (n.withdrawn_at IS NULL OR n.withdrawn_at > n.post_at)
               AND NOT EXISTS (SELECT 1 FROM events e WHERE e.notice_id = n.id AND e.action = 'posted')
           UNION ALL
           SELECT n.id, n.board_id, 'removed' AS action, n.remove_at AS due FROM notices n
             WHERE n.published_at IS NOT NULL AND n.remove_at IS NOT NULL AND n.remove_at <= ? AND n.remove_at > ? AND n.withdrawn_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM events e WHERE e.notice_id = n.id AND e.action = 'removed'))
         ORDER BY due, id, action LIMIT ?`,
      )
      .all(iso, from, iso, from, limit) as { id: string; board_id: string; action: 'posted' | 'removed'; due: string }[];
    return rows.map((r) => ({ noticeId: r.id, boardId: r.board_id, action: r.action, at: r.due }));
  }

  create(board: Board, given: NoticeFields, attachments: NewAttachment[], actor: string, now: number): Notice {
    const fields: NoticeFields = { ...canonicalInstants(given), type: given.type ?? GENERAL_TYPE, eventDate: given.eventDate ?? null, personalData: given.personalData ?? false };
    checkFields(fields);
    this.checkLegal(board.id, fields);
    const id = randomUUID();
    const iso = new Date(now).toISOString();
    this.db.transaction(() => {
      prepared(this.db, 
          `INSERT INTO notices (id, board_id, title, description, category, department, reference_number, file_mark,
             post_at, remove_at, published_at, withdrawn_at, withdraw_reason, created_by, created_at, updated_at, revision, type, event_date, personal_data)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?, 1, ?, ?, ?)`,
        )
        .run(id, board.id, fields.title.trim(), fields.description, fields.category, fields.department,
          fields.referenceNumber, fields.fileMark, fields.postAt, fields.removeAt, actor, iso, iso, fields.type, fields.eventDate, fields.personalData ? 1 : 0);
      this.addAttachments(id, attachments);
      this.audit.append({ at: now, actor, action: 'created', noticeId: id, detail: { fields, attachments: attachments.map((a) => a.sha256) } });
    })();
    return this.require(id);
  }

  /**
   * Edits a notice. Drafts and scheduled notices may change freely; a posted notice is a legal
   * act already on the board, so only its removal may move later (an earlier end is a withdrawal).
   */
  update(id: string, given: Partial<NoticeFields>, add: NewAttachment[], removeShas: string[], actor: string, now: number): Notice {
    const n = this.require(id);
    const patch = canonicalInstants(given);
    const state = noticeStateAt(n, now);
    const changed = EDITABLE.filter((k) => k in patch && patch[k] !== undefined && patch[k] !== n[k]);
    if (state === 'posted') {
      // Marking a posted notice as containing personal data only protects it more (privacy/).
      const illegal = changed.filter((k) => k !== 'removeAt' && !(k === 'personalData' && patch.personalData === true));
      if (illegal.length > 0 || add.length > 0 || removeShas.length > 0) {
        throw new DomainError('posted_immutable', 'Vyvěšené oznámení nelze přepsat. Obsah změňte opravou s odůvodněním (tlačítko „Opravit…“, v API /notices/{id}/revisions), kterou zaznamená rejstřík změn; dobu vyvěšení lze prodloužit, nebo oznámení stáhnout s odůvodněním.', 409);
      }
      const newRemove = patch.removeAt;
      // Open-ended (null) is the latest removal of all: giving it an end would end it early.
      if (newRemove !== undefined && newRemove !== null && (n.removeAt === null || Date.parse(newRemove) < Date.parse(n.removeAt))) {
        throw new DomainError('early_removal', 'Dobu vyvěšení nelze zkrátit. Pro předčasné sejmutí oznámení stáhněte s odůvodněním.', 409);
      }
    } else if (state !== 'draft' && state !== 'scheduled') {
      throw new DomainError('closed', 'Sejmuté nebo stažené oznámení už nelze měnit.', 409);
    }
    const merged: NoticeFields = { ...pickFields(n), ...Object.fromEntries(changed.map((k) => [k, patch[k]])) };
    checkFields(merged);
    // A published (scheduled) notice keeps what publishing required, e.g. the event day of a meeting notice.
    if (changed.some((k) => LEGAL_FIELDS.includes(k))) this.checkLegal(n.boardId, merged, { publishing: n.publishedAt !== null });
    if (state === 'scheduled' && merged.postAt !== null && Date.parse(merged.postAt) <= now) {
      throw new DomainError('post_in_past', 'Naplánované oznámení nelze přesunout do minulosti.', 422);
    }
    if (changed.length === 0 && add.length === 0 && removeShas.length === 0) return n;
    if (state === 'scheduled') {
      const later = patch.removeAt === null || (patch.removeAt !== undefined && n.removeAt !== null && Date.parse(patch.removeAt) > Date.parse(n.removeAt));
      const harmless = add.length === 0 && removeShas.length === 0 &&
        changed.every((k) => (k === 'removeAt' && later) || (k === 'personalData' && patch.personalData === true));
      this.hooks.beforeScheduledEdit?.(n, now, harmless);
    }
    this.db.transaction(() => {
      const sets = changed.map((k) => `${COLUMN[k]} = @${k}`);
      prepared(this.db, `UPDATE notices SET ${[...sets, 'updated_at = @updatedAt', 'revision = revision + 1'].join(', ')} WHERE id = @id`)
        .run({ ...Object.fromEntries(changed.map((k) => [k, typeof merged[k] === 'boolean' ? Number(merged[k]) : merged[k]])), updatedAt: new Date(now).toISOString(), id });
      for (const sha of removeShas) prepared(this.db, 'DELETE FROM notice_attachments WHERE notice_id = ? AND sha256 = ?').run(id, sha);
      this.addAttachments(id, add);
      this.audit.append({
        at: now,
        actor,
        action: 'edited',
        noticeId: id,
        detail: {
          changed: Object.fromEntries(changed.map((k) => [k, { from: n[k], to: merged[k] }])),
          addedAttachments: add.map((a) => a.sha256),
          removedAttachments: removeShas,
        },
      });
      this.hooks.afterEdit?.(id, actor, now);
    })();
    return this.require(id);
  }

  /** Publishing makes a draft final; a posting instant already past means "post now". */
  publish(id: string, actor: string, now: number): Notice {
    const n = this.require(id);
    if (n.publishedAt !== null) throw new DomainError('already_published', 'Oznámení už bylo zveřejněno.', 409);
    this.hooks.beforePublish?.(n, actor);
    if (n.postAt === null) throw new DomainError('missing_post_at', 'Před zveřejněním vyplňte datum a čas vyvěšení.');
    if (n.attachments.length === 0 && n.description.trim() === '') {
      throw new DomainError('empty', 'Oznámení nemá žádný text ani přílohu.');
    }
    const postAt = Date.parse(n.postAt) < now ? new Date(now).toISOString() : n.postAt;
    if (n.removeAt !== null && Date.parse(n.removeAt) <= Date.parse(postAt)) {
      throw new DomainError('removal_before_posting', 'Datum sejmutí musí být po datu vyvěšení.');
    }
    // Posting now instead of the requested past instant moves the lawful period: check it again.
    const lawful = this.checkLegal(n.boardId, { ...pickFields(n), postAt }, { publishing: true });
    const iso = new Date(now).toISOString();
    this.db.transaction(() => {
      prepared(this.db, 'UPDATE notices SET published_at = ?, post_at = ?, updated_at = ?, revision = revision + 1 WHERE id = ?')
        .run(iso, postAt, iso, id);
      this.audit.append({
        at: now,
        actor,
        action: 'published',
        noticeId: id,
        detail: { postAt, removeAt: n.removeAt, ...(postAt !== n.postAt ? { requestedPostAt: n.postAt } : {}), ...lawful },
      });
    })();
    return this.require(id);
  }

  withdraw(id: string, reason: string, actor: string, now: number): Notice {
    const n = this.require(id);
    if (reason.trim().length < 3) throw new DomainError('reason_required', 'Uveďte důvod stažení oznámení.');
    const state = noticeStateAt(n, now);
    if (state !== 'scheduled' && state !== 'posted') {
      throw new DomainError('not_withdrawable', 'Stáhnout lze jen zveřejněné oznámení, které ještě nebylo sejmuto.', 409);
    }
    const iso = new Date(now).toISOString();
    this.db.transaction(() => {
      prepared(this.db, 'UPDATE notices SET withdrawn_at = ?, withdraw_reason = ?, updated_at = ?, revision = revision + 1 WHERE id = ?')
        .run(iso, reason.trim(), iso, id);
      this.audit.append({ at: now, actor, action: 'withdrawn', noticeId: id, detail: { reason: reason.trim(), stateBefore: state } });
    })();
    return this.require(id);
  }

  stateOf(n: Notice, now: number): NoticeState {
    return noticeStateAt(n, now);
  }

  /**
   * The notice type's rules (src-main/legal/): the type exists on the board, its event day is
   * valid, and a removal instant is not earlier than the law allows. Publishing also needs the
   * event day of a type counted before an event. Returns what the audit log records about the
   * period at publishing (nothing for a type without a minimum).
   */
  private checkLegal(boardId: string, f: NoticeFields, o: { publishing?: boolean } = {}): Record<string, unknown> {
    const typeId = f.type ?? GENERAL_TYPE;
    const t = this.types.get(boardId, typeId);
    if (!t) {
      const known = this.types.list(boardId).map((x) => `„${x.id}“ (${x.name})`).join(', ');
      throw new DomainError('unknown_type', `Typ oznámení „${typeId}“ na této desce neexistuje. Zvolte jeden z: ${known}.`);
    }
    const eventDate = f.eventDate ?? null;
    const bad = checkEventDate(t, eventDate);
    if (bad) throw new DomainError(bad.code, bad.message);
    if (o.publishing && t.rule === 'before-event' && eventDate === null) {
      throw new DomainError('event_date_required', `Před zveřejněním vyplňte ${(t.eventLabel ?? 'datum události').toLowerCase()}: podle něj se určí nejzazší den vyvěšení.`);
    }
    if (f.postAt === null) return {};
    const cal = this.types.calendar(boardId);
    const refusal = checkRemoval(t, cal, Date.parse(f.postAt), f.removeAt === null ? null : Date.parse(f.removeAt), eventDate);
    if (refusal) throw new DomainError(refusal.code, refusal.message);
    const p = lawfulPeriod(t, cal, Date.parse(f.postAt), eventDate);
    if (p.lastDay === null) return {};
    return {
      type: t.id,
      lawfulLastDay: p.lastDay,
      lawfulRemoveAt: new Date(p.removeNotBefore).toISOString(),
      ...(p.latestPostingDay !== null ? { latestPostingDay: p.latestPostingDay, postedTooLate: p.postedTooLate } : {}),
    };
  }

  private addAttachments(noticeId: string, list: NewAttachment[]): void {
    const pos = (prepared(this.db, 'SELECT COALESCE(MAX(position), 0) AS p FROM notice_attachments WHERE notice_id = ?').get(noticeId) as { p: number }).p;
    list.forEach((a, i) => {
      prepared(this.db, 'INSERT OR IGNORE INTO notice_attachments (notice_id, sha256, name, position) VALUES (?, ?, ?, ?)')
        .run(noticeId, a.sha256, a.name, pos + i + 1);
    });
  }

  /**
   * fromRow for many notices of one board, with the attachments of all of them read in one query
   * rather than one query per notice (a 10,000-notice snapshot is built on the publisher's event loop).
   */
  private fromBoardRows(boardId: string, rows: NoticeRow[]): Notice[] {
    const all = prepared(this.db,
        `SELECT a.notice_id, a.sha256, a.name, b.size, a.redacted_sha256, a.redacted_name, rb.size AS redacted_size
           FROM notice_attachments a JOIN blobs b ON b.sha256 = a.sha256 LEFT JOIN blobs rb ON rb.sha256 = a.redacted_sha256
           JOIN notices n ON n.id = a.notice_id WHERE n.board_id = ? ORDER BY a.notice_id, a.position`,
      )
      .all(boardId) as ({ notice_id: string } & AttachmentRow)[];
    const byNotice = new Map<string, AttachmentRow[]>();
    for (const { notice_id, ...a } of all) {
      const list = byNotice.get(notice_id);
      if (list) list.push(a);
      else byNotice.set(notice_id, [a]);
    }
    return rows.map((r) => this.fromRow(r, byNotice.get(r.id) ?? []));
  }

  private fromRow(r: NoticeRow, known?: AttachmentRow[]): Notice {
    const attachments =
      known ??
      (prepared(this.db,
        `SELECT a.sha256, a.name, b.size, a.redacted_sha256, a.redacted_name, rb.size AS redacted_size
         FROM notice_attachments a JOIN blobs b ON b.sha256 = a.sha256 LEFT JOIN blobs rb ON rb.sha256 = a.redacted_sha256
         WHERE a.notice_id = ? ORDER BY a.position`,
      )
      .all(r.id) as AttachmentRow[]);
    return {
      id: r.id,
      boardId: r.board_id,
      title: r.title,
      description: r.description,
      category: r.category,
      department: r.department,
      referenceNumber: r.reference_number,
      fileMark: r.file_mark,
      postAt: r.post_at,
      removeAt: r.remove_at,
      publishedAt: r.published_at,
      withdrawnAt: r.withdrawn_at,
      withdrawReason: r.withdraw_reason,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      revision: r.revision,
      type: r.type,
      eventDate: r.event_date,
      personalData: r.personal_data === 1,
      attachments: attachments.map(attachmentRef),
    };
  }
}

/** An attachment as the notice queries read it, with its redacted copy (migration 013) where it has one. */
interface AttachmentRow {
  sha256: string;
  name: string;
  size: number;
  redacted_sha256: string | null;
  redacted_name: string | null;
  redacted_size: number | null;
}

function attachmentRef(a: AttachmentRow): AttachmentRef {
  const ref: AttachmentRef = { sha256: a.sha256, name: a.name, size: a.size, mediaType: 'application/pdf' };
  if (a.redacted_sha256 !== null) ref.redacted = { sha256: a.redacted_sha256, name: a.redacted_name ?? a.name, size: a.redacted_size ?? 0 };
  return ref;
}

/** The fields that decide a notice's lawful period. */
const LEGAL_FIELDS: (keyof NoticeFields)[] = ['type', 'eventDate', 'postAt', 'removeAt'];

function pickFields(n: Notice): NoticeFields {
  return Object.fromEntries(EDITABLE.map((k) => [k, n[k]])) as unknown as NoticeFields;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** SQL compares instants as text, so every stored instant takes one form ("….000Z"). */
function canonicalInstants<T extends Partial<NoticeFields>>(f: T): T {
  const out: Partial<NoticeFields> = { ...f };
  for (const k of ['postAt', 'removeAt'] as const) {
    const v = out[k];
    if (typeof v === 'string' && INSTANT.test(v)) out[k] = new Date(Date.parse(v)).toISOString();
  }
  return out as T;
}

function checkFields(f: NoticeFields): void {
  if (f.title.trim() === '') throw new DomainError('title_required', 'Vyplňte název oznámení.');
  if (f.title.length > 500) throw new DomainError('title_too_long', 'Název oznámení může mít nejvýše 500 znaků.');
  for (const k of ['postAt', 'removeAt'] as const) {
    const v = f[k];
    if (v !== null && !INSTANT.test(v)) {
      throw new DomainError('bad_instant', `${k === 'postAt' ? 'Datum vyvěšení' : 'Datum sejmutí'} není platné datum a čas.`);
    }
  }
  if (f.postAt !== null && f.removeAt !== null && Date.parse(f.removeAt) <= Date.parse(f.postAt)) {
    throw new DomainError('removal_before_posting', 'Datum sejmutí musí být po datu vyvěšení.');
  }
}
