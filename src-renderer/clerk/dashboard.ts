/**
 * What the clerk's dashboard lists, worked out from the board's notices at an instant: what
 * posts and what comes down today and this week, counted in the board's time zone (not the
 * browser's), and the notices whose lawful period ends soon. Pure, so a unit test checks it.
 */
import type { NoticeView } from '../../src-main/shared/api-types.ts';
import { fromWallTime, toWallTime } from '../../src-main/shared/zone.ts';

/** How many days ahead "the lawful period ends soon" looks. */
export const SOON_DAYS = 7;

export interface DayRange {
  /** "YYYY-MM-DD", first day, in the board's zone. */
  first: string;
  /** "YYYY-MM-DD", last day (inclusive). */
  last: string;
  start: number;
  /** Exclusive: 00:00 of the day after `last`. */
  end: number;
}

export interface DashboardEvent {
  notice: NoticeView;
  at: number;
  /** A posting that will not happen: the notice is still a draft. */
  draft?: boolean;
  /** A removal by withdrawal (staženo) rather than at the end of its period. */
  withdrawn?: boolean;
}

export interface EndingSoon {
  notice: NoticeView;
  lastDay: string;
  removeNotBefore: number;
  /** No removal date is set: someone must take it down (or set the date). */
  openEnded: boolean;
  /** The last day has passed. */
  ended: boolean;
}

export interface Dashboard {
  today: DayRange;
  week: DayRange;
  postsToday: DashboardEvent[];
  removedToday: DashboardEvent[];
  postsThisWeek: DashboardEvent[];
  removedThisWeek: DashboardEvent[];
  endingSoon: EndingSoon[];
}

/** A calendar day moved by n days (no zone: pure date arithmetic). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

function range(first: string, days: number, timeZone: string): DayRange {
  const after = addDays(first, days);
  return { first, last: addDays(first, days - 1), start: fromWallTime({ date: first, time: '00:00' }, timeZone), end: fromWallTime({ date: after, time: '00:00' }, timeZone) };
}

/** Today and this week (Monday to Sunday, as Czech and Polish calendars run) in the zone. */
export function ranges(now: number, timeZone: string): { today: DayRange; week: DayRange } {
  const day = toWallTime(now, timeZone).date;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const sinceMonday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return { today: range(day, 1, timeZone), week: range(addDays(day, -sinceMonday), 7, timeZone) };
}

const inRange = (ms: number, r: DayRange): boolean => ms >= r.start && ms < r.end;
const byAt = (a: DashboardEvent, b: DashboardEvent): number => a.at - b.at;

function postings(notices: NoticeView[], r: DayRange): DashboardEvent[] {
  return notices
    .filter((n) => n.postAt !== null && n.state !== 'withdrawn' && inRange(Date.parse(n.postAt), r))
    .map((n) => ({ notice: n, at: Date.parse(n.postAt!), ...(n.publishedAt === null ? { draft: true } : {}) }))
    .sort(byAt);
}

function removals(notices: NoticeView[], r: DayRange): DashboardEvent[] {
  const out: DashboardEvent[] = [];
  for (const n of notices) {
    if (n.publishedAt === null) continue;
    if (n.withdrawnAt !== null) {
      // A notice withdrawn before it was posted never hung: nothing came down.
      const w = Date.parse(n.withdrawnAt);
      if (inRange(w, r) && n.postAt !== null && Date.parse(n.postAt) <= w) out.push({ notice: n, at: w, withdrawn: true });
    } else if (n.removeAt !== null && inRange(Date.parse(n.removeAt), r)) {
      out.push({ notice: n, at: Date.parse(n.removeAt) });
    }
  }
  return out.sort(byAt);
}

/**
 * Notices on the board (posted or scheduled) whose lawful period's last day is within
 * SOON_DAYS from today, and posted ones without a removal date whose period has already ended.
 */
function endingSoon(notices: NoticeView[], now: number, today: string): EndingSoon[] {
  const horizon = addDays(today, SOON_DAYS);
  return notices
    .filter((n) => (n.state === 'posted' || n.state === 'scheduled') && n.lawful?.lastDay)
    .map((n) => {
      const lastDay = n.lawful!.lastDay!;
      return { notice: n, lastDay, removeNotBefore: Date.parse(n.lawful!.removeNotBefore), openEnded: n.removeAt === null, ended: Date.parse(n.lawful!.removeNotBefore) <= now };
    })
    .filter((e) => (e.lastDay >= today && e.lastDay <= horizon) || (e.ended && e.openEnded && e.notice.state === 'posted'))
    .sort((a, b) => a.removeNotBefore - b.removeNotBefore);
}

export function dashboardOf(notices: NoticeView[], now: number, timeZone: string): Dashboard {
  const { today, week } = ranges(now, timeZone);
  return {
    today,
    week,
    postsToday: postings(notices, today),
    removedToday: removals(notices, today),
    postsThisWeek: postings(notices, week),
    removedThisWeek: removals(notices, week),
    endingSoon: endingSoon(notices, now, today.first),
  };
}
