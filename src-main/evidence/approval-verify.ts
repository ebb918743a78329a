/**
 * `deska audit verify` for approvals (store/approvals.ts), read from the hash-chained audit log:
 * - nobody approved a notice they created or submitted: each `notice-approved` event's actor
 *   against the notice's `created` actor and the submitter the event records, each traced to the
 *   person behind it (an admin token is its owner, ApprovalRepo.personOf). Data from before that
 *   rule held for admin tokens can show such an approval: a note, since the log is intact;
 * - on a board with four eyes at the time (its `approval-settings-changed` events), every
 *   `published` event of a notice follows a `notice-approved` event of that notice by the same actor;
 * - each board's four-eyes setting is the one its newest `approval-settings-changed` event recorded
 *   (off when none), so switching it directly in SQLite shows.
 * Problems and notes are sentences an operator understands.
 */
import type { Store } from '../store/store.ts';

interface Row {
  seq: number;
  actor: string;
  action: string;
  notice_id: string | null;
  detail: string;
}

/**
 * Appends problems (the data disagree with the log: changed outside the application) and notes (a
 * self-approval the log records: the application allowed it before admin tokens were traced to
 * their owner, so it is a finding for the office to review, not tampering, and must not block a
 * restore). Returns how many approvals were checked.
 */
export function verifyApprovals(store: Store, problems: string[], notes: string[]): number {
  const hasColumn = store.db.prepare("SELECT 1 FROM pragma_table_info('boards') WHERE name = 'four_eyes'").get() !== undefined;
  if (!hasColumn) return 0;
  const boardOf = new Map((store.db.prepare('SELECT id, board_id FROM notices').all() as { id: string; board_id: string }[]).map((r) => [r.id, r.board_id]));
  const fourEyes = new Map<string, boolean>();
  const author = new Map<string, string>();
  const approvedBy = new Map<string, Set<string>>();
  const person = (actor: string): string => store.approvals.personOf(actor);
  let checked = 0;
  const rows = store.db
    .prepare("SELECT seq, actor, action, notice_id, detail FROM events WHERE action IN ('created', 'notice-approved', 'published', 'approval-settings-changed') ORDER BY seq")
    .iterate() as Iterable<Row>;
  for (const e of rows) {
    let detail: Record<string, unknown>;
    try {
      detail = JSON.parse(e.detail) as Record<string, unknown>;
    } catch {
      continue; // reported by the chain check as a damaged event
    }
    const id = e.notice_id;
    if (e.action === 'approval-settings-changed') {
      if (typeof detail.board === 'string' && typeof detail.fourEyes === 'boolean') fourEyes.set(detail.board, detail.fourEyes);
    } else if (id === null) {
      continue;
    } else if (e.action === 'created') {
      author.set(id, e.actor);
    } else if (e.action === 'notice-approved') {
      checked++;
      const who = person(e.actor);
      const submitter = typeof detail.submittedBy === 'string' ? detail.submittedBy : null;
      const own = [author.get(id), submitter].filter((a): a is string => a !== undefined && a !== null).find((a) => person(a) === who);
      if (own !== undefined) {
        notes.push(`oznámení ${id}: v události č. ${e.seq} ho schválil „${e.actor}“, ale vytvořil nebo předložil ho „${own}“; obojí je uživatel „${who}“. Zásada čtyř očí nebyla dodržena (starší verze to tokenem správce dovolila); prověřte, zda oznámení schválila druhá osoba jinak`);
      }
      const set = approvedBy.get(id) ?? new Set<string>();
      set.add(e.actor);
      approvedBy.set(id, set);
    } else if (e.action === 'published') {
      const board = boardOf.get(id);
      if (board !== undefined && fourEyes.get(board) === true && !approvedBy.get(id)?.has(e.actor)) {
        problems.push(`oznámení ${id}: zveřejněno v události č. ${e.seq} na desce „${board}“, která vyžadovala schválení druhou osobou, bez schválení v auditním logu`);
      }
    }
  }
  for (const r of store.db.prepare('SELECT id, four_eyes FROM boards ORDER BY id').all() as { id: string; four_eyes: number }[]) {
    const logged = fourEyes.get(r.id) ?? false;
    if ((r.four_eyes === 1) !== logged) {
      problems.push(`deska „${r.id}“: schvalování druhou osobou je ${r.four_eyes === 1 ? 'zapnuto' : 'vypnuto'}, podle auditního logu má být ${logged ? 'zapnuto' : 'vypnuto'} (změněno přímo v databázi)`);
    }
  }
  return checked;
}
