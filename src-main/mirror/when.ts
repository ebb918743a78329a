/**
 * The board-zone formats the mirror prints, memoised: a build prints the same few instants of
 * 10,000 notices in every list, feed and the open data, and each conversion through Intl costs
 * microseconds (a profile of one change at 10,000 notices spent 40 % of it here). Pure; the
 * cache is bounded and only ever holds what shared/zone.ts would compute.
 */
import { dateText, formatOffset, wallAndOffset, wallText, type WallTime } from '../shared/zone.ts';

const MAX = 100_000;

/** One cache per format: zone → instant (ms) → text. */
function memoised<T>(fn: (ms: number, timeZone: string) => T): (ms: number, timeZone: string) => T {
  const zones = new Map<string, Map<number, T>>();
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

/** The wall time and offset of an instant, from one conversion through Intl for all three formats. */
const parts = memoised<{ wall: WallTime; offset: number }>(wallAndOffset);

/** "21. 11. 2026 14:05" (shared/zone.ts formatWall) */
export const wall = memoised((ms, timeZone) => wallText(parts(ms, timeZone).wall));
/** "21. 11. 2026" (formatDate) */
export const day = memoised((ms, timeZone) => dateText(parts(ms, timeZone).wall));
/** "2026-11-21T14:05:00+01:00" (toOffsetIso) */
export const offsetIso = memoised((ms, timeZone) => {
  const { wall: w, offset } = parts(ms, timeZone);
  return `${w.date}T${w.time}${formatOffset(offset)}`;
});
