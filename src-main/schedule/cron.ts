/** The one wrapper around node-cron: named jobs in the board's zone, each with a disposer. */
import cron from 'node-cron';

export interface CronJob {
  stop(): void;
  /** When the job runs next (null when it never will). */
  nextRun(): Date | null;
}

/** Runs `fn` on a cron expression (with seconds) in `timeZone`; errors go to `onError`, never crash. */
export function schedule(name: string, expression: string, timeZone: string, fn: () => void | Promise<void>, onError: (e: unknown) => void): CronJob {
  const task = cron.schedule(
    expression,
    async () => {
      try {
        await fn();
      } catch (e) {
        onError(e);
      }
    },
    { name, timezone: timeZone, noOverlap: true },
  );
  return { stop: () => void task.destroy(), nextRun: () => task.getNextRun() };
}
