/**
 * The one source of "now" for the Node side. Production uses the system clock; tests use
 * ManualClock and move time by hand (also across daylight-saving changes).
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: number;
}

/** Node's setTimeout cannot wait longer than 2^31-1 ms; longer waits are chained. */
const MAX_TIMEOUT = 2_147_483_647;

export const systemClock: Clock = (() => {
  let next = 1;
  const live = new Map<number, NodeJS.Timeout>();
  const arm = (id: number, fn: () => void, due: number): void => {
    const wait = Math.max(0, due - Date.now());
    const t = setTimeout(
      () => {
        // Timers may fire a little early on some systems; never run before the due instant.
        if (Date.now() < due) return arm(id, fn, due);
        live.delete(id);
        fn();
      },
      Math.min(wait, MAX_TIMEOUT),
    );
    t.unref?.();
    live.set(id, t);
  };
  return {
    now: () => Date.now(),
    setTimeout(fn, ms) {
      const id = next++;
      arm(id, fn, Date.now() + ms);
      return { id };
    },
    clearTimeout(handle) {
      const t = live.get(handle.id);
      if (t) clearTimeout(t);
      live.delete(handle.id);
    },
  };
})();

/** A clock that only moves when told to; timers fire in due order during advance(). */
export class ManualClock implements Clock {
  private t: number;
  private next = 1;
  private timers = new Map<number, { due: number; fn: () => void }>();

  constructor(start: number | string) {
    this.t = typeof start === 'string' ? Date.parse(start) : start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.next++;
    this.timers.set(id, { due: this.t + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  /** Move forward by ms, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    this.set(this.t + ms);
  }

  /** Jump to an instant (a "clock jump" when far), firing due timers in order. */
  set(to: number | string): void {
    const target = typeof to === 'string' ? Date.parse(to) : to;
    for (;;) {
      let first: [number, { due: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].due <= target && (!first || e[1].due < first[1].due)) first = e;
      if (!first) break;
      this.timers.delete(first[0]);
      this.t = Math.max(this.t, first[1].due);
      first[1].fn();
    }
    this.t = Math.max(this.t, target);
  }

  pendingTimers(): number {
    return this.timers.size;
  }
}
