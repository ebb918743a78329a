/**
 * Independent lanes of asynchronous work, one per board and step (the board's snapshot, each
 * channel): a kick runs the lane's work now, or once more after the run in progress; a failed
 * run is retried after the delay it asks for. Lanes never wait for each other, so a failing
 * board or channel holds back nothing else. `idle()` and `stop()` wait for running work.
 */
import type { Clock, TimerHandle } from '../schedule/clock.ts';

/** A lane's work: resolves null when done, or the delay (ms) before it should be retried. */
export type LaneWork = () => Promise<number | null>;

interface Lane {
  running: Promise<void> | null;
  again: boolean;
  retry: TimerHandle | null;
  work: LaneWork;
}

export class Lanes {
  private readonly clock: Clock;
  private readonly lanes = new Map<string, Lane>();
  private stopped = false;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** Runs `work` for `key` soon (after the current event-loop turn), unless a retry is already armed. */
  kick(key: string, work: LaneWork): void {
    if (this.stopped) return;
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { running: null, again: false, retry: null, work }));
    lane.work = work;
    if (lane.running) {
      lane.again = true;
      return;
    }
    // Backing off after a failure: the armed retry picks up the newest work.
    if (lane.retry) return;
    lane.running = this.run(lane).finally(() => (lane.running = null));
  }

  /** Retries now whatever is backing off (an operator fixed the fault). */
  retryNow(): void {
    for (const [key, lane] of this.lanes) {
      if (!lane.retry) continue;
      this.clock.clearTimeout(lane.retry);
      lane.retry = null;
      this.kick(key, lane.work);
    }
  }

  isRunning(key: string): boolean {
    return this.lanes.get(key)?.running != null;
  }

  /** Resolves once no lane (of those `which` selects) is running; lanes waiting to retry count as idle. */
  async idle(which: (key: string) => boolean = () => true): Promise<void> {
    for (;;) {
      const running = [...this.lanes].filter(([k]) => which(k)).map(([, l]) => l.running).filter((p): p is Promise<void> => p !== null);
      if (running.length === 0) return;
      await Promise.allSettled(running);
    }
  }

  /** No new runs or retries; resolves when the running ones have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const lane of this.lanes.values()) {
      if (lane.retry) this.clock.clearTimeout(lane.retry);
      lane.retry = null;
      lane.again = false;
    }
    await this.idle();
  }

  private async run(lane: Lane): Promise<void> {
    await new Promise((r) => setImmediate(r));
    do {
      lane.again = false;
      let retryIn: number | null;
      try {
        retryIn = await lane.work();
      } catch {
        retryIn = 60_000; // Work records its own failures; this is a last resort.
      }
      if (retryIn !== null && !this.stopped) {
        lane.again = false;
        lane.retry = this.clock.setTimeout(() => {
          lane.retry = null;
          if (!this.stopped && !lane.running) lane.running = this.run(lane).finally(() => (lane.running = null));
        }, retryIn);
        return;
      }
    } while (lane.again && !this.stopped);
  }
}
