/**
 * 014 splits the full-manifest snapshots of a store from 013 into content-addressed parts: every
 * old snapshot joins back to the very bytes that were signed (its signature still verifies and its
 * hash is the one the audit log recorded), notices shared by snapshots are stored once, and a
 * manifest that does not split cleanly keeps its whole bytes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src-main/store/db.ts';
import { PUBLISHER_MIGRATIONS } from '../../src-main/store/migrations/index.ts';
import { SnapshotRepo } from '../../src-main/store/snapshots.ts';
import { buildManifest } from '../../src-main/publication/snapshot.ts';
import { generateBoardKeys, sha256Hex, signBytes, verifyBytes } from '../../src-main/publication/signing.ts';
import type { FeedNotice } from '../../src-main/shared/feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-22T08:00:00.000Z');
const BOARD = { id: 'b', name: 'Obec Bělá', ico: '12345678', timeZone: 'Europe/Prague', publicUrl: 'https://x/' };

function notice(i: number, revision = 1): FeedNotice {
  return {
    id: `n${i}`,
    title: `Žádost o stanovisko č. ${i} — „uvozovky“, emoji 🏛️ a\u2028oddělovač`,
    description: i % 3 === 0 ? '' : `Popis ${'x'.repeat(i * 7)}\n"citace" \\ lomítko`,
    category: 'Oznámení',
    department: 'Odbor výstavby',
    referenceNumber: `MÚ/${i}/2026`,
    fileMark: '',
    postAt: new Date(NOW - i * 60_000).toISOString(),
    removeAt: i % 2 ? null : new Date(NOW + 86_400_000).toISOString(),
    revision,
    publishedAt: new Date(NOW - i * 60_000 - 1000).toISOString(),
    attachments: [{ sha256: sha256Hex(`a${i}`), name: `příloha ${i}.pdf`, size: 1000 + i, mediaType: 'application/pdf', position: 1 } as FeedNotice['attachments'][number]],
    ...(i % 4 === 0 ? { type: 'general', eventDate: null, typeName: 'Obecné' } : {}),
  };
}

test('014 splits every old snapshot into parts that join back to the signed bytes; shared notices are stored once', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  const keys = generateBoardKeys();
  try {
    migrate(db, PUBLISHER_MIGRATIONS.filter((m) => m.version < 14), () => NOW);
    db.prepare("INSERT INTO boards (id, name, ico, time_zone, public_url, created_at) VALUES ('b', 'Obec Bělá', '12345678', 'Europe/Prague', 'https://x/', 'x')").run();
    // A board's history: 300 notices, then one edited per snapshot, then one removed, then none.
    const lists: FeedNotice[][] = [];
    let list = Array.from({ length: 300 }, (_, i) => notice(i));
    lists.push(list);
    for (let k = 0; k < 5; k++) {
      list = list.map((n, i) => (i === 40 * k + 7 ? notice(i, n.revision + 1) : n));
      lists.push(list);
    }
    lists.push(list.filter((_, i) => i !== 100));
    lists.push([]);
    const manifests = lists.map((l, i) => Buffer.from(JSON.stringify(buildManifest(BOARD, l, i + 1, NOW + i * 1000, 7 * 86_400_000)), 'utf8'));
    // Written some other way (indented): cannot be split, kept whole.
    manifests.push(Buffer.from(JSON.stringify(buildManifest(BOARD, lists[0]!.slice(0, 3), manifests.length + 1, NOW + 99_000, 1000), null, 2), 'utf8'));
    const insert = db.prepare('INSERT INTO snapshots (board_id, seq, created_at, manifest, signature, sha256) VALUES (?, ?, ?, ?, ?, ?)');
    manifests.forEach((m, i) => insert.run('b', i + 1, new Date(NOW + i * 1000).toISOString(), m, signBytes(m, keys.privatePem), sha256Hex(m)));
    const oldBytes = manifests.reduce((s, m) => s + m.length, 0);

    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS, () => NOW).filter((v) => v === 14), [14]);
    const cols = (db.prepare("SELECT name FROM pragma_table_info('snapshots')").all() as { name: string }[]).map((r) => r.name);
    assert.ok(!cols.includes('manifest'), 'the full manifest column is gone');

    const repo = new SnapshotRepo(db);
    manifests.forEach((m, i) => {
      const s = repo.get('b', i + 1)!;
      assert.ok(s.manifest.equals(m), `snapshot ${i + 1} joins back to the same bytes`);
      assert.equal(s.sha256, sha256Hex(m));
      assert.equal(verifyBytes(s.manifest, s.signature, keys.publicKey), true, `snapshot ${i + 1}: its old signature verifies`);
      assert.equal(s.createdAt, new Date(NOW + i * 1000).toISOString());
    });
    assert.equal(repo.latest('b')!.seq, manifests.length);
    assert.equal(repo.latestSeq('b'), manifests.length);

    const noticeParts = 300 + 5; // each notice once, plus the five edited revisions
    const parts = db.prepare('SELECT COUNT(*) FROM snapshot_parts').pluck().get() as number;
    assert.ok(parts >= noticeParts && parts < noticeParts + 60, `notices stored once (${parts} parts with the chunks)`);
    const newBytes = db.prepare('SELECT (SELECT SUM(length(body)) FROM snapshot_parts) + (SELECT SUM(length(frame) + length(chunks)) FROM snapshots)').pluck().get() as number;
    assert.ok(newBytes * 3 < oldBytes, `stored ${newBytes} B instead of ${oldBytes} B`);
    const whole = db.prepare('SELECT notices_at, length(chunks) AS c FROM snapshots WHERE seq = ?').get(manifests.length) as { notices_at: number | null; c: number };
    assert.deepEqual(whole, { notices_at: null, c: 0 }, 'the indented manifest is kept whole');
    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS, () => NOW), [], 'applied once');
  } finally {
    db.close();
  }
});

test('014 on a store with no snapshots', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    migrate(db, PUBLISHER_MIGRATIONS.filter((m) => m.version < 14), () => NOW);
    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS, () => NOW).filter((v) => v === 14), [14]);
    assert.equal(new SnapshotRepo(db).latest('b'), null);
  } finally {
    db.close();
  }
});
