/**
 * The purge job (privacy/purge.ts) on node-cron: every hour at minute 17 in the board's zone. A
 * publisher that was down at that moment catches up at its next run: due purges never expire.
 * Minute 17 keeps it away from the 02:30 nightly backup and the minute sweep's busy seconds.
 */
import type { Clock } from '../schedule/clock.ts';
import { schedule, type CronJob } from '../schedule/cron.ts';
import type { Store } from '../store/store.ts';
import { purgeDue } from './purge.ts';

export const PURGE_CRON = '0 17 * * * *';

export function startPurgeJob(o: { store: Store; clock: Clock; timeZone: string; onLog?: (line: string) => void }): CronJob {
  const log = o.onLog ?? ((line: string) => console.log(line));
  return schedule('privacy-purge', PURGE_CRON, o.timeZone, () => void purgeDue(o.store, o.clock.now(), log), (e) => log(`privacy purge: ${e instanceof Error ? e.message : String(e)}`));
}
