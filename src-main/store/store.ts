/**
 * The publisher's store: one SQLite file (WAL) plus content-addressed files, in a data folder:
 *   DATA/deska.sqlite   DATA/blobs/ab/ab…   DATA/audit.head   DATA/keys/board.key|board.pub
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Board } from '../shared/domain.ts';
import { openDb, type Db } from './db.ts';
import { AuditLog } from './events.ts';
import { BlobStore } from './blobs.ts';
import { EvidenceRepo } from './evidence.ts';
import { PUBLISHER_MIGRATIONS } from './migrations/index.ts';
import { NoticeRepo } from './notices.ts';
import { NoticeTypeRepo } from './notice-types.ts';
import { SnapshotRepo } from './snapshots.ts';
import { RevisionRepo } from './revisions.ts';
import { UserRepo } from './users.ts';
import { RightsRepo } from './rights.ts';
import { ApprovalRepo } from './approvals.ts';

export class Store {
  readonly dataDir: string;
  readonly db: Db;
  readonly audit: AuditLog;
  readonly blobs: BlobStore;
  readonly notices: NoticeRepo;
  readonly noticeTypes: NoticeTypeRepo;
  readonly users: UserRepo;
  readonly evidence: EvidenceRepo;
  readonly snapshots: SnapshotRepo;
  /** Corrections of posted notices and their change register (migration 012). */
  readonly revisions: RevisionRepo;
  /** Users' rights per board and boards' four-eyes setting (migration 011). */
  readonly rights: RightsRepo;
  readonly approvals: ApprovalRepo;

  private constructor(dataDir: string, db: Db, now: () => number) {
    this.dataDir = dataDir;
    this.db = db;
    this.audit = new AuditLog(db, join(dataDir, 'audit.head'));
    this.blobs = new BlobStore(db, join(dataDir, 'blobs'));
    this.notices = new NoticeRepo(db, this.audit);
    this.noticeTypes = new NoticeTypeRepo(db);
    this.users = new UserRepo(db);
    this.evidence = new EvidenceRepo(db, this.audit, now);
    this.snapshots = new SnapshotRepo(db);
    this.revisions = new RevisionRepo(db, this.audit, this.notices, this.noticeTypes);
    this.rights = new RightsRepo(db, this.audit);
    this.approvals = new ApprovalRepo(db, this.audit, this.notices, this.rights);
    this.notices.hooks = {
      beforePublish: (n, actor) => this.approvals.beforePublish(n, actor),
      afterEdit: (id, actor, now) => this.approvals.afterEdit(id, actor, now),
      beforeScheduledEdit: (n, now, harmless) => this.approvals.guardApproved(n, now, harmless),
    };
  }

  static open(dataDir: string, now: () => number = Date.now): Store {
    mkdirSync(dataDir, { recursive: true });
    return new Store(dataDir, openDb(join(dataDir, 'deska.sqlite'), PUBLISHER_MIGRATIONS, now), now);
  }

  /**
   * One SQLite transaction; the audit log records its pending head once, before the commit,
   * and changed display evidence is anchored in the log by one event.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(() => this.audit.batch(() => this.evidence.batch(fn)))();
  }

  /** A new board with its country's default notice types (legal/defaults.ts). */
  createBoard(b: Board, now: number): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO boards (id, name, ico, time_zone, public_url, created_at, country, locale) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(b.id, b.name, b.ico, b.timeZone, b.publicUrl, new Date(now).toISOString(), b.country ?? 'CZ', b.locale ?? (b.country === 'PL' ? 'pl-PL' : 'cs-CZ'));
      this.noticeTypes.seedDefaults(b.id, b.country ?? 'CZ');
    })();
  }

  boards(): Board[] {
    const rows = this.db.prepare('SELECT * FROM boards ORDER BY id').all() as {
      id: string;
      name: string;
      ico: string;
      time_zone: string;
      public_url: string;
      country: 'CZ' | 'PL';
      locale: string;
    }[];
    return rows.map((r) => ({ id: r.id, name: r.name, ico: r.ico, timeZone: r.time_zone, publicUrl: r.public_url, country: r.country, locale: r.locale }));
  }

  board(id: string): Board | null {
    return this.boards().find((b) => b.id === id) ?? null;
  }

  close(): void {
    if (this.db.open && !this.db.inTransaction) this.audit.flush();
    this.db.close();
  }
}
