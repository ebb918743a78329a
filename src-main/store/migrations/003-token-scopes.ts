import type { Migration } from './index.ts';

/**
 * Token kinds with scopes, per-token use, and the board setting that opens a feed to everyone.
 *   admin        everything an admin may do (tokens made before this migration, except kiosk ones)
 *   integration  publishes to the boards listed in `boards` (JSON array of board ids)
 *   kiosk        reads the feed of `board_id` and reports as `kiosk_id`, nothing else
 */
export const m003TokenScopes: Migration = {
  version: 3,
  name: 'token-scopes',
  up(db) {
    db.exec(`
      ALTER TABLE api_tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'admin' CHECK (kind IN ('admin', 'integration', 'kiosk'));
      ALTER TABLE api_tokens ADD COLUMN boards TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE api_tokens ADD COLUMN board_id TEXT;
      ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
      ALTER TABLE api_tokens ADD COLUMN use_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE boards ADD COLUMN feed_public INTEGER NOT NULL DEFAULT 0 CHECK (feed_public IN (0, 1));
    `);
    // A token that already named its kiosk becomes a kiosk token; with one board it is that
    // board's, otherwise it names none and is refused until replaced.
    db.exec(`
      UPDATE api_tokens SET kind = 'kiosk',
        board_id = CASE WHEN (SELECT COUNT(*) FROM boards) = 1 THEN (SELECT id FROM boards) END
      WHERE kiosk_id IS NOT NULL;
    `);
  },
};
