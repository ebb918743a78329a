import type { Migration } from './index.ts';

/** Raised fleet alerts: one row per kiosk while it is stale or offline past its threshold. */
export const m010FleetAlerts: Migration = {
  version: 10,
  name: 'fleet-alerts',
  up(db) {
    db.exec(`
      CREATE TABLE fleet_alerts (
        kiosk_id TEXT PRIMARY KEY, board_id TEXT NOT NULL, health TEXT NOT NULL,
        since TEXT NOT NULL, raised_at TEXT NOT NULL) STRICT;
    `);
  },
};
