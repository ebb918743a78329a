import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src-main/store/db.ts';
import { PUBLISHER_MIGRATIONS } from '../../src-main/store/migrations/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-22T08:00:00.000Z');

test('010 adds fleet_alerts on a store from the previous version, once per kiosk', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    const before = PUBLISHER_MIGRATIONS.filter((m) => m.version < 10);
    migrate(db, before, () => NOW);
    assert.equal(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'fleet_alerts'").pluck().get(), 0);
    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS, () => NOW).filter((v) => v === 10), [10]);
    const cols = (db.prepare("SELECT name FROM pragma_table_info('fleet_alerts')").all() as { name: string }[]).map((r) => r.name);
    assert.deepEqual(cols, ['kiosk_id', 'board_id', 'health', 'since', 'raised_at']);
    const ins = db.prepare("INSERT INTO fleet_alerts VALUES ('lobby', 'demo', 'stale', 'x', 'y')");
    ins.run();
    assert.throws(() => ins.run(), /UNIQUE|PRIMARY KEY/);
    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS, () => NOW), [], 'applied once');
  } finally {
    db.close();
  }
});
