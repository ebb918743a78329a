import type { Migration } from './index.ts';

/**
 * Evidence that proves only what happened:
 * - `outages`: intervals in which a channel (e.g. `kiosk:lobby`) could not show the board;
 *   `to_at` NULL while the outage lasts, closed by a later report with the same start.
 * - what a kiosk said about itself in its last report: clock offset, screen, version, send time.
 * - `events.state`: the canonical JSON of the affected notice after the event (every field and
 *   its attachments with their hashes), covered by the event's hash. NULL for events that touch
 *   no notice and for events written before this version (their hashes stay as they were).
 */
export const m005Evidence: Migration = {
  version: 5,
  name: 'evidence',
  up(db) {
    db.exec(`
      CREATE TABLE outages (
        channel TEXT NOT NULL, from_at TEXT NOT NULL, to_at TEXT, reason TEXT NOT NULL,
        reported_at TEXT NOT NULL,
        PRIMARY KEY (channel, from_at, reason)) STRICT;

      ALTER TABLE kiosks ADD COLUMN clock_offset_ms INTEGER;
      ALTER TABLE kiosks ADD COLUMN screen_on INTEGER;
      ALTER TABLE kiosks ADD COLUMN version TEXT;
      ALTER TABLE kiosks ADD COLUMN sent_at TEXT;

      ALTER TABLE events ADD COLUMN state TEXT;
    `);
  },
};
