/**
 * The one wrapper around better-sqlite3: opens a database file in WAL mode and runs the
 * numbered migrations. Everything else receives a `Db` and never opens SQLite itself.
 */
import Database from 'better-sqlite3';
export type Db = Database.Database;

/** One numbered schema step; each runs once, in order, in its own transaction. */
export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

export function openDb(file: string, migrations: readonly Migration[], now: () => number = Date.now): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations, now);
  return db;
}

/** Applies the migrations not yet applied, each in its own transaction. */
export function migrate(db: Db, migrations: readonly Migration[], now: () => number = Date.now): number[] {
  const seen = new Set<number>();
  for (const m of migrations) {
    if (seen.has(m.version)) throw new Error(`duplicate migration version ${m.version} (${m.name})`);
    seen.add(m.version);
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date(now()).toISOString(),
      );
    })();
    applied.push(m.version);
  }
  return applied;
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * A prepared statement, prepared once per database and SQL text. Preparing costs more than
 * running a small statement, and the audit log and notices run theirs per event and per
 * notice (10,000 at a bulk import). Not for `.iterate()` loops that could nest.
 */
export function prepared(db: Db, sql: string): Database.Statement {
  let byDb = statements.get(db);
  if (!byDb) statements.set(db, (byDb = new Map()));
  let s = byDb.get(sql);
  if (!s) byDb.set(sql, (s = db.prepare(sql)));
  return s;
}
