/**
 * Fires at every posting and removal instant. One timer is armed for the next instant; a
 * node-cron sweep every minute calls `onInstant` too, which catches whatever a timer missed
 * (the machine slept, the clock jumped). `onInstant` must be idempotent.
 */
import type { Clock, TimerHandle } from './clock.ts';
import { schedule, type CronJob } from './cron.ts';

export interface SchedulerOptions {
  clock: Clock;
  /** The next instant strictly after `after` (ms), or null when nothing is scheduled. */
  nextInstant(after: number): number | null;
  onInstant(now: number, cause: 'timer' | 'sweep'): Promise<void> | void;
  onError(e: unknown): void;
  /** Zone for the minute sweep; with `sweep: false` no cron job is started (tests drive it). */
  timeZone: string;
  sweep?: boolean;
}

export class Scheduler {
  private readonly o: SchedulerOptions;
  private timer: TimerHandle | null = null;
  private armedFor: number | null = null;
  private cron: CronJob | null = null;
  private stopped = false;

  constructor(options: SchedulerOptions) {
    this.o = options;
  }

  start(): void {
    this.stopped = false;
    if (this.o.sweep !== false) {
      this.cron = schedule('deska-sweep', '0 * * * * *', this.o.timeZone, () => this.sweep(), this.o.onError);
    }
    this.rearm();
  }

  /** The instant the timer is armed for (ms), or null. */
  get nextDue(): number | null {
    return this.armedFor;
  }

  /** Recomputes the next instant; call after any change to the schedule. */
  rearm(): void {
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = null;
    if (this.stopped) return;
    const now = this.o.clock.now();
    const next = this.o.nextInstant(now);
    if (next === null) return;
    this.armedFor = next;
    this.timer = this.o.clock.setTimeout(() => void this.fire(next), next - now);
  }

  async sweep(): Promise<void> {
    await this.run('sweep');
  }

  stop(): void {
    this.stopped = true;
    this.cron?.stop();
    this.cron = null;
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = null;
  }

  private async fire(due: number): Promise<void> {
    // The clock guarantees we are not early; check anyway, for a clock set back meanwhile.
    if (this.o.clock.now() < due) return this.rearm();
    await this.run('timer');
  }

  private async run(cause: 'timer' | 'sweep'): Promise<void> {
    try {
      await this.o.onInstant(this.o.clock.now(), cause);
    } catch (e) {
      this.o.onError(e);
    } finally {
      this.rearm();
    }
  }
}
