/**
 * The kiosk's own posting/removal timetable. Visibility is decided here, by the kiosk's clock,
 * from the replica alone: a timer is armed for the next posting or removal instant so
 * sightings are recorded and the UI told at that instant, never before it.
 */
import { isPostedAt } from '../shared/domain.ts';
import type { FeedNotice } from '../shared/feed.ts';
import type { Clock, TimerHandle } from '../schedule/clock.ts';

/** Notices visible at `now`, in feed order. */
export function visibleAt(notices: readonly FeedNotice[], now: number): FeedNotice[] {
  return notices.filter((n) => isPostedAt(n, now));
}

/** The first posting or removal instant strictly after `now`, or null. */
export function nextChangeAfter(notices: readonly FeedNotice[], now: number): number | null {
  let next: number | null = null;
  for (const n of notices) {
    for (const iso of [n.postAt, n.removeAt]) {
      if (iso === null) continue;
      const t = Date.parse(iso);
      if (t > now && (next === null || t < next)) next = t;
    }
  }
  return next;
}

export interface LocalSchedule {
  /** Re-reads the notices and re-arms the timer (call after every apply). */
  rearm(): void;
  stop(): void;
}

/**
 * Calls `onInstant` at every posting/removal instant of `notices()` (and once at start).
 * `onInstant` gets the clock's now, which is never before the instant that armed it.
 * With `sweepMs`, it is also called (and the timer re-armed) that often: a timer can fire
 * late after a suspend or a clock jump, and the sweep bounds how late.
 */
export function startLocalSchedule(
  clock: Clock,
  notices: () => readonly FeedNotice[],
  onInstant: (now: number) => void,
  sweepMs?: number,
): LocalSchedule {
  let timer: TimerHandle | null = null;
  let sweepTimer: TimerHandle | null = null;
  let stopped = false;
  const sweep = (): void => {
    if (stopped || !sweepMs) return;
    sweepTimer = clock.setTimeout(() => {
      onInstant(clock.now());
      arm();
      sweep();
    }, sweepMs);
  };
  const arm = (): void => {
    if (timer) clock.clearTimeout(timer);
    timer = null;
    if (stopped) return;
    const now = clock.now();
    const next = nextChangeAfter(notices(), now);
    if (next === null) return;
    timer = clock.setTimeout(() => {
      timer = null;
      onInstant(clock.now());
      arm();
    }, next - now);
  };
  onInstant(clock.now());
  arm();
  sweep();
  return {
    rearm: arm,
    stop() {
      stopped = true;
      if (timer) clock.clearTimeout(timer);
      if (sweepTimer) clock.clearTimeout(sweepTimer);
      timer = null;
    },
  };
}
