import { channelDigestsFromRows } from '../evidence.ts';
import type { Migration } from './index.ts';

/**
 * Display evidence in the hash chain (store/evidence-digest.ts): `evidence_heads` caches, per
 * channel, the newest digest of its sightings and outages and the audit event (`seq`) that
 * recorded it. Rows written before this version get a baseline with `seq` 0: no event recorded
 * them, and `deska audit verify` says so as a note, not as tampering, while they stay as they are.
 */
export const m009EvidenceAnchors: Migration = {
  version: 9,
  name: 'evidence-anchors',
  up(db) {
    db.exec(`
      CREATE TABLE evidence_heads (
        channel TEXT PRIMARY KEY, digest TEXT NOT NULL, rows INTEGER NOT NULL, seq INTEGER NOT NULL) STRICT;
    `);
    const insert = db.prepare('INSERT INTO evidence_heads (channel, digest, rows, seq) VALUES (?, ?, ?, 0)');
    for (const [channel, d] of channelDigestsFromRows(db)) insert.run(channel, d.digest, d.rows);
  },
};
