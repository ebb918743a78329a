import type { Migration } from './index.ts';
import { defaultNoticeTypes } from '../../legal/defaults.ts';

/**
 * Notice types with legal periods (src-main/legal/):
 * - `boards.country` (whose weekends and public holidays count; CZ for every existing board) and
 *   `boards.locale` (cs-CZ);
 * - `notice_types`: each board's types and their rules, seeded here with the defaults of the
 *   board's country (legal/defaults.ts; a board created later gets them from Store.createBoard);
 * - `notices.type` (every existing notice becomes "general": no minimum period, so nothing that
 *   was lawful before becomes unlawful) and `notices.event_date` (the council's decision or the
 *   meeting day, "YYYY-MM-DD", for types counted before an event).
 */
export const m006NoticeTypes: Migration = {
  version: 6,
  name: 'notice-types',
  up(db) {
    db.exec(`
      ALTER TABLE boards ADD COLUMN country TEXT NOT NULL DEFAULT 'CZ' CHECK (country IN ('CZ', 'PL'));
      ALTER TABLE boards ADD COLUMN locale TEXT NOT NULL DEFAULT 'cs-CZ';

      CREATE TABLE notice_types (
        board_id TEXT NOT NULL REFERENCES boards(id), id TEXT NOT NULL, position INTEGER NOT NULL,
        name TEXT NOT NULL, legal_basis TEXT NOT NULL,
        rule TEXT NOT NULL CHECK (rule IN ('none', 'after-posting', 'before-event')),
        days INTEGER NOT NULL CHECK (days BETWEEN 0 AND 366),
        moves_to_working_day INTEGER NOT NULL CHECK (moves_to_working_day IN (0, 1)),
        event_label TEXT, CHECK ((rule = 'before-event') = (event_label IS NOT NULL)),
        PRIMARY KEY (board_id, id)) STRICT;

      ALTER TABLE notices ADD COLUMN type TEXT NOT NULL DEFAULT 'general';
      ALTER TABLE notices ADD COLUMN event_date TEXT;
    `);
    const boards = db.prepare('SELECT id FROM boards').all() as { id: string }[];
    for (const b of boards) seedNoticeTypes(db, b.id, 'CZ');
  },
};

/** Inserts a country's default types for a board (existing ones are kept). */
export function seedNoticeTypes(db: Parameters<Migration['up']>[0], boardId: string, country: 'CZ' | 'PL'): void {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO notice_types (board_id, id, position, name, legal_basis, rule, days, moves_to_working_day, event_label)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  defaultNoticeTypes(country).forEach((t, i) => {
    insert.run(boardId, t.id, i + 1, t.name, t.legalBasis, t.rule, t.days, t.movesToWorkingDay ? 1 : 0, t.eventLabel);
  });
}
