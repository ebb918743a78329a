/**
 * A board's privacy settings: how long the files of a removed notice with personal data are kept
 * before the purge deletes them (privacy/purge.ts).
 *
 * Default 30 days: long enough for the office to answer a complaint or an appeal about the
 * posting (and for the certificate to be printed from the files while they exist), short enough
 * that personal data does not outlive its purpose by months (GDPR art. 5(1)(e), storage
 * limitation). The certificate and the hashes stay for good either way.
 */
import type { Db } from '../store/db.ts';
import { prepared } from '../store/db.ts';

export const DEFAULT_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 3650;

export interface PrivacySettings {
  board: string;
  /** Days after removal (or withdrawal) before the files are purged; 0 = at the next run after removal. */
  retentionDays: number;
  /** True while the board uses the default. */
  isDefault: boolean;
}

export function privacySettings(db: Db, boardId: string): PrivacySettings {
  const days = prepared(db, 'SELECT retention_days FROM board_privacy WHERE board_id = ?').pluck().get(boardId) as number | undefined;
  return { board: boardId, retentionDays: days ?? DEFAULT_RETENTION_DAYS, isDefault: days === undefined };
}

export function setRetentionDays(db: Db, boardId: string, days: number, now: number): void {
  prepared(db, `INSERT INTO board_privacy (board_id, retention_days, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (board_id) DO UPDATE SET retention_days = excluded.retention_days, updated_at = excluded.updated_at`)
    .run(boardId, days, new Date(now).toISOString());
}
