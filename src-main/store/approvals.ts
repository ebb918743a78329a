/**
 * Approval of notices (migration 011). A draft is submitted (awaiting approval), then approved by
 * a second person, which publishes it, or returned with a reason. Two rules hold here, in the
 * store, whatever the caller (API, inbox, CLI) and whatever their role, admins included:
 *
 * - nobody approves a notice they created, edited or submitted (an admin token counts as its owner);
 * - on a board with four eyes, a notice is published only after such an approval (the
 *   NoticeRepo's publish guard, installed by Store, checks it).
 *
 * Who may submit, approve, return or publish on which board (roles) is checked by the API
 * (publisher/rights.ts). Identities are audit actors: a user name, or `token:<name>#<id8>`.
 */
import type { Notice } from '../shared/domain.ts';
import { noticeStateAt } from '../shared/domain.ts';
import type { ApprovalStatus, ApprovalView } from '../shared/users-api.ts';
import type { Db } from './db.ts';
import type { AuditLog } from './events.ts';
import { DomainError, type NoticeRepo } from './notices.ts';
import type { RightsRepo } from './rights.ts';

interface Row {
  notice_id: string;
  board_id: string;
  title: string;
  status: ApprovalStatus;
  author: string;
  submitted_by: string;
  submitted_at: string;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
}

const SELECT = `SELECT a.*, n.board_id, n.title FROM notice_approvals a JOIN notices n ON n.id = a.notice_id`;

const toView = (r: Row): ApprovalView => ({
  noticeId: r.notice_id,
  boardId: r.board_id,
  title: r.title,
  status: r.status,
  author: r.author,
  submittedBy: r.submitted_by,
  submittedAt: r.submitted_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  reason: r.reason,
});

export const OWN_NOTICE_MESSAGE = 'Vlastní oznámení nemůžete schválit: schválit ho musí jiná osoba (zásada čtyř očí).';
export const EDITED_NOTICE_MESSAGE =
  'Vlastní oznámení nemůžete schválit: na tomto oznámení jste sami pracovali (upravili jste ho), takže ho musí schválit jiná osoba (zásada čtyř očí). Chcete-li něco změnit, vraťte ho autorovi s důvodem.';

export class ApprovalRepo {
  private readonly db: Db;
  private readonly audit: AuditLog;
  private readonly notices: NoticeRepo;
  private readonly rights: RightsRepo;

  constructor(db: Db, audit: AuditLog, notices: NoticeRepo, rights: RightsRepo) {
    this.db = db;
    this.audit = audit;
    this.notices = notices;
    this.rights = rights;
  }

  get(noticeId: string): ApprovalView | null {
    const r = this.db.prepare(`${SELECT} WHERE a.notice_id = ?`).get(noticeId) as Row | undefined;
    return r ? toView(r) : null;
  }

  /** A board's approvals in one status (default: awaiting), oldest submission first. */
  list(boardId: string, status: ApprovalStatus = 'awaiting'): ApprovalView[] {
    return (this.db.prepare(`${SELECT} WHERE n.board_id = ? AND a.status = ? ORDER BY a.submitted_at, a.notice_id`).all(boardId, status) as Row[]).map(toView);
  }

  /** Who created the notice (its first audit actor). */
  authorOf(noticeId: string): string {
    return this.db.prepare('SELECT created_by FROM notices WHERE id = ?').pluck().get(noticeId) as string;
  }

  /**
   * The person behind an audit actor, for the author rule: an admin token acts as its owner, so
   * `token:<name>#<id8>` (also inside an inbox actor `inbox:<system>/token:…`) of an admin token
   * is its owner's user name; every other actor (a user name, an integration token, a system) is
   * itself. Without this an admin could create a notice in the app and approve it with their own
   * admin token, or the other way round.
   */
  personOf(actor: string): string {
    const m = /(?:^|\/)token:(.*)#([0-9a-f]{8})$/.exec(actor);
    if (!m) return actor;
    const owner = this.db
      .prepare("SELECT u.username FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.kind = 'admin' AND t.name = ? AND substr(t.id, 1, 8) = ?")
      .pluck()
      .get(m[1], m[2]) as string | undefined;
    return owner ?? actor;
  }

  /** Whether `actor` (or the person behind it) created or submitted the notice, and so may not approve it. */
  isAuthor(noticeId: string, actor: string): boolean {
    const a = this.get(noticeId);
    const me = this.personOf(actor);
    return this.personOf(this.authorOf(noticeId)) === me || (a !== null && a.status === 'awaiting' && this.personOf(a.submittedBy) === me);
  }

  /** Whether `actor` (or the person behind it) changed the notice's content at any time ('edited' events). */
  hasEdited(noticeId: string, actor: string): boolean {
    const me = this.personOf(actor);
    const editors = this.db.prepare("SELECT DISTINCT actor FROM events WHERE notice_id = ? AND action = 'edited'").pluck().all(noticeId) as string[];
    return editors.some((e) => this.personOf(e) === me);
  }

  /**
   * Why `actor` may not approve the notice, or null: its author or submitter, and also whoever
   * edited it, since an approver who wrote part of the content would approve their own words
   * (without this, an approver could fill in a colleague's empty draft and approve it).
   */
  approveRefusal(noticeId: string, actor: string): string | null {
    if (this.isAuthor(noticeId, actor)) return OWN_NOTICE_MESSAGE;
    if (this.hasEdited(noticeId, actor)) return EDITED_NOTICE_MESSAGE;
    return null;
  }

  /**
   * On a four-eyes board, a published notice that is not yet posted is what the second person
   * approved: a change of its content, dates, attachments or redacted copies would post something
   * nobody approved, so it is refused. Keeping it up longer (`harmless`: a later removal, the
   * personal-data flag set) is not a change of what was approved. The way out is a withdrawal with
   * a reason and a new submission, or a correction with a reason once it is posted.
   */
  guardApproved(n: Notice, now: number, harmless: boolean): void {
    if (harmless || n.publishedAt === null || noticeStateAt(n, now) !== 'scheduled' || !this.rights.fourEyes(n.boardId)) return;
    // Published before four eyes was switched on: nobody approved it, and a change still needs a second person.
    const what = this.get(n.id)?.status === 'approved'
      ? 'Toto oznámení už schválila druhá osoba (zásada čtyř očí) a čeká na vyvěšení'
      : 'Toto oznámení je zveřejněné a čeká na vyvěšení, a deska vyžaduje schválení druhou osobou (zásada čtyř očí)';
    throw new DomainError(
      'approved_immutable',
      `${what}: jeho text, data, přílohy ani začerněné kopie už nelze měnit, vyvěsilo by se něco, co nikdo neschválil. ` +
        'Prodloužit dobu vyvěšení lze. Jinak oznámení stáhněte s odůvodněním a předložte opravené znění ke schválení znovu, nebo ho po vyvěšení opravte s odůvodněním.',
      409,
    );
  }

  /** A draft goes to approval. */
  submit(noticeId: string, actor: string, now: number): ApprovalView {
    const n = this.notices.require(noticeId);
    if (noticeStateAt(n, now) !== 'draft') throw new DomainError('not_draft', 'Ke schválení lze předložit jen koncept, který ještě nebyl zveřejněn.', 409);
    if (this.get(noticeId)?.status === 'awaiting') throw new DomainError('already_submitted', 'Oznámení už čeká na schválení.', 409);
    if (n.postAt === null) throw new DomainError('missing_post_at', 'Před předložením ke schválení vyplňte datum a čas vyvěšení.');
    if (n.attachments.length === 0 && n.description.trim() === '') throw new DomainError('empty', 'Oznámení nemá žádný text ani přílohu.');
    const iso = new Date(now).toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO notice_approvals (notice_id, status, author, submitted_by, submitted_at, decided_by, decided_at, reason)
                  VALUES (?, 'awaiting', ?, ?, ?, NULL, NULL, NULL)
                  ON CONFLICT (notice_id) DO UPDATE SET status = 'awaiting', submitted_by = excluded.submitted_by,
                    submitted_at = excluded.submitted_at, decided_by = NULL, decided_at = NULL, reason = NULL`)
        .run(noticeId, this.authorOf(noticeId), actor, iso);
      this.audit.append({ at: now, actor, action: 'notice-submitted', noticeId, detail: { fourEyes: this.rights.fourEyes(n.boardId) } });
    })();
    return this.get(noticeId)!;
  }

  /** A second person approves: the notice is published in the same transaction. */
  approve(noticeId: string, actor: string, now: number): Notice {
    const a = this.get(noticeId);
    if (!a || a.status !== 'awaiting') throw new DomainError('not_awaiting', 'Oznámení nečeká na schválení. Nejprve ho musí autor předložit ke schválení.', 409);
    const refusal = this.approveRefusal(noticeId, actor);
    if (refusal !== null) throw new DomainError('own_notice', refusal, 403);
    const iso = new Date(now).toISOString();
    return this.db.transaction(() => {
      this.db.prepare("UPDATE notice_approvals SET status = 'approved', decided_by = ?, decided_at = ? WHERE notice_id = ?").run(actor, iso, noticeId);
      this.audit.append({ at: now, actor, action: 'notice-approved', noticeId, detail: { author: a.author, submittedBy: a.submittedBy } });
      return this.notices.publish(noticeId, actor, now);
    })();
  }

  /** Back to the author with a reason; the notice stays a draft. */
  returnToAuthor(noticeId: string, reason: string, actor: string, now: number): ApprovalView {
    const a = this.get(noticeId);
    if (!a || a.status !== 'awaiting') throw new DomainError('not_awaiting', 'Vrátit lze jen oznámení, které čeká na schválení.', 409);
    if (this.isAuthor(noticeId, actor)) {
      throw new DomainError('own_notice', 'Vlastní oznámení nemůžete vrátit sami sobě. Upravte ho: úpravou se předložení ke schválení zruší.', 403);
    }
    const text = reason.trim();
    if (text.length < 3) throw new DomainError('reason_required', 'Uveďte důvod vrácení, aby autor věděl, co má opravit.');
    const iso = new Date(now).toISOString();
    this.db.transaction(() => {
      this.db.prepare("UPDATE notice_approvals SET status = 'returned', decided_by = ?, decided_at = ?, reason = ? WHERE notice_id = ?").run(actor, iso, text, noticeId);
      this.audit.append({ at: now, actor, action: 'notice-returned', noticeId, detail: { reason: text, author: a.author } });
    })();
    return this.get(noticeId)!;
  }

  /** An edit of a notice awaiting approval withdraws the submission: what was approved must be what was seen. */
  afterEdit(noticeId: string, actor: string, now: number): void {
    if (this.get(noticeId)?.status !== 'awaiting') return;
    this.db.prepare('DELETE FROM notice_approvals WHERE notice_id = ?').run(noticeId);
    this.audit.append({ at: now, actor, action: 'notice-submission-cancelled', noticeId, detail: { reason: 'edited' } });
  }

  /**
   * The NoticeRepo's publish guard: a notice awaiting approval is published only by approving
   * it; on a four-eyes board only an approval by someone other than the author publishes.
   */
  beforePublish(n: Notice, actor: string): void {
    const a = this.get(n.id);
    if (a?.status === 'awaiting') {
      throw new DomainError('awaiting_approval', 'Oznámení čeká na schválení: zveřejní se schválením (tlačítko „Schválit a zveřejnit“), nebo ho vraťte autorovi.', 409);
    }
    if (!this.rights.fourEyes(n.boardId)) return;
    const approver = a?.decidedBy == null ? null : this.personOf(a.decidedBy);
    const approved = a?.status === 'approved' && a.decidedBy === actor && approver !== this.personOf(a.author) && approver !== this.personOf(a.submittedBy);
    if (!approved) {
      throw new DomainError(
        'approval_required',
        'Tato deska vyžaduje schválení druhou osobou (zásada čtyř očí). Předložte oznámení ke schválení; zveřejní ho schvalovatel, který není jeho autorem.',
        409,
      );
    }
  }
}
