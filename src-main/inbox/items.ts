/** The inbox's rows in the store (migration 007): which external document became which notice. */
import { prepared, type Db } from '../store/db.ts';

export interface InboxItem {
  boardId: string;
  system: string;
  externalKey: string;
  noticeId: string;
  documentId: string | null;
  referenceNumber: string | null;
  noticeType: string | null;
  packageSha256: string;
  claim: string;
  via: 'folder' | 'http';
  importedAt: string;
}

interface Row {
  board_id: string;
  system: string;
  external_key: string;
  notice_id: string;
  document_id: string | null;
  reference_number: string | null;
  notice_type: string | null;
  package_sha256: string;
  claim: string;
  via: 'folder' | 'http';
  imported_at: string;
}

const fromRow = (r: Row): InboxItem => ({
  boardId: r.board_id,
  system: r.system,
  externalKey: r.external_key,
  noticeId: r.notice_id,
  documentId: r.document_id,
  referenceNumber: r.reference_number,
  noticeType: r.notice_type,
  packageSha256: r.package_sha256,
  claim: r.claim,
  via: r.via,
  importedAt: r.imported_at,
});

/** What the `inbox-imported` event records of a row: everything but the notice id (the event's own) and the import instant (the event's). */
export function inboxAnchor(i: Pick<InboxItem, 'boardId' | 'system' | 'externalKey' | 'documentId' | 'referenceNumber' | 'packageSha256' | 'via' | 'claim'>): Record<string, string | null> {
  return {
    board: i.boardId,
    system: i.system,
    externalKey: i.externalKey,
    documentId: i.documentId,
    referenceNumber: i.referenceNumber,
    packageSha256: i.packageSha256,
    via: i.via,
    claim: i.claim,
  };
}

export class InboxItems {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  find(boardId: string, system: string, externalKey: string): InboxItem | null {
    const r = prepared(this.db, 'SELECT * FROM inbox_items WHERE board_id = ? AND system = ? AND external_key = ?').get(boardId, system, externalKey) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  /** Inserts the row; throws (SQLITE_CONSTRAINT) when the key is already taken, so call inside the import's transaction. */
  insert(i: InboxItem): void {
    prepared(this.db,
      `INSERT INTO inbox_items (board_id, system, external_key, notice_id, document_id, reference_number, notice_type,
         package_sha256, claim, via, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(i.boardId, i.system, i.externalKey, i.noticeId, i.documentId, i.referenceNumber, i.noticeType, i.packageSha256, i.claim, i.via, i.importedAt);
  }

  /** Every row, for `audit verify`. */
  all(): InboxItem[] {
    return (prepared(this.db, 'SELECT * FROM inbox_items ORDER BY board_id, system, external_key').all() as Row[]).map(fromRow);
  }

  count(boardId: string): number {
    return prepared(this.db, 'SELECT COUNT(*) AS n FROM inbox_items WHERE board_id = ?').pluck().get(boardId) as number;
  }

  /** Whether the notices table has the optional `type` column (added by the legal-periods migration). */
  noticesHaveType(): boolean {
    return prepared(this.db, "SELECT 1 FROM pragma_table_info('notices') WHERE name = 'type'").get() !== undefined;
  }
}
