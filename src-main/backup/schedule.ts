/**
 * The nightly backup inside a running publisher: a node-cron job (DATA/backup.json "cron", in the
 * first board's time zone) that backs up, prunes old backups and records the outcome in the audit
 * log ("backup-created" or "backup-failed" with the reason), so an office can show it kept backups.
 */
import { schedule, type CronJob } from '../schedule/cron.ts';
import type { Clock } from '../schedule/clock.ts';
import type { Store } from '../store/store.ts';
import { backupSettings, createBackup, type BackupResult } from './backup.ts';

export interface BackupJob {
  /** Runs one backup now (what the cron job does). */
  runNow(): Promise<BackupResult | null>;
  stop(): void;
  last(): { at: string; ok: boolean; dir?: string; reason?: string } | null;
}

export function startBackupJob(o: { dataDir: string; store: Store; clock: Clock; timeZone: string; onLog?: (line: string) => void }): BackupJob {
  const log = o.onLog ?? ((l: string) => console.log(l));
  let last: ReturnType<BackupJob['last']> = null;
  let running: Promise<BackupResult | null> | null = null;
  const once = async (): Promise<BackupResult | null> => {
    const now = o.clock.now();
    try {
      const s = backupSettings(o.dataDir);
      const r = await createBackup(o.dataDir, { root: s.dir, now, keepDays: s.keepDays });
      last = { at: new Date(now).toISOString(), ok: true, dir: r.dir };
      o.store.transaction(() =>
        o.store.audit.append({
          at: o.clock.now(),
          actor: 'system:backup',
          action: 'backup-created',
          detail: {
            backup: r.manifest.name,
            dir: r.dir,
            lastEvent: r.manifest.lastEvent,
            files: r.manifest.files.length,
            damagedBlobs: r.manifest.damagedBlobs,
            pruned: r.pruned,
          },
        }),
      );
      log(`backup: ${r.dir} (${r.manifest.files.length} files, ${r.manifest.events} events${r.manifest.damagedBlobs.length ? `, ${r.manifest.damagedBlobs.length} damaged attachments NOT backed up` : ''}); pruned ${r.pruned.length}`);
      return r;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      last = { at: new Date(now).toISOString(), ok: false, reason };
      log(`backup FAILED: ${reason}`);
      try {
        if (o.store.db.open) o.store.transaction(() => o.store.audit.append({ at: o.clock.now(), actor: 'system:backup', action: 'backup-failed', detail: { reason } }));
      } catch (e2) {
        log(`backup: could not record the failure in the audit log: ${e2 instanceof Error ? e2.message : String(e2)}`);
      }
      return null;
    }
  };
  const runNow = (): Promise<BackupResult | null> => {
    running ??= once().finally(() => (running = null));
    return running;
  };
  let cronExpr = '0 30 2 * * *';
  try {
    cronExpr = backupSettings(o.dataDir).cron;
  } catch (e) {
    log(`backup settings: ${e instanceof Error ? e.message : String(e)}; the nightly backup runs at 02:30 with the defaults until this is fixed`);
  }
  const job: CronJob = schedule('nightly-backup', cronExpr, o.timeZone, () => runNow().then(() => undefined), (e) => log(`backup job: ${String(e)}`));
  return {
    runNow,
    last: () => last,
    stop() {
      job.stop();
    },
  };
}
