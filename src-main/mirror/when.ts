/**
 * The board-zone formats the mirror prints, memoised: a build prints the same few instants of
 * 10,000 notices in every list, feed and the open data, and each conversion through Intl costs
 * microseconds (a profile of one change at 10,000 notices spent 40 % of it here). Pure; the
 * cache is bounded and only ever holds what shared/zone.ts would compute.
 */
import { formatDate, formatWall, toOffsetIso } from '../shared/zone.ts';

const MAX = 100_000;

/** One cache per format: zone → instant (ms) → text. */
function memoised(fn: (ms: number, timeZone: string) => string): (ms: number, timeZone: string) => string {
  const zones = new Map<string, Map<number, string>>();
  return (ms, timeZone) => {
    let byMs = zones.get(timeZone);
    if (byMs === undefined) zones.set(timeZone, (byMs = new Map()));
    let v = byMs.get(ms);
    if (v === undefined) {
      if (byMs.size >= MAX) byMs.clear();
      v = fn(ms, timeZone);
      byMs.set(ms, v);
    }
    return v;
  };
}

/** "21. 11. 2026 14:05" */
export const wall = memoised(formatWall);
/** "21. 11. 2026" */
export const day = memoised(formatDate);
/** "2026-11-21T14:05:00+01:00" */
export const offsetIso = memoised(toOffsetIso);
