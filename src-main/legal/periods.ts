/**
 * Lawful periods of notices: pure functions of a type, a calendar (country and the board's time
 * zone) and a posting instant.
 *
 * How Deska reads the law (shared/DOMAIN.md and the provisions named below):
 *
 * 1. Counting days. The day on which the event that starts the period happened (the posting day,
 *    taken in the board's zone) is not counted; the period starts on the next day (CZ: § 40
 *    odst. 1 písm. a) správního řádu; PL: art. 57 § 1 KPA). A period of N days therefore ends
 *    at the end of the day "posting day + N": a decree posted on Wednesday 9 December counts
 *    10 December as day 1 and 24 December as day 15, the day it counts as delivered (§ 25 odst. 2).
 * 2. Weekends and holidays. Where the type says so, a period whose last day is a Saturday, a
 *    Sunday or a public holiday ends on the next working day (CZ: § 40 odst. 1 písm. c); PL: art.
 *    57 § 4 KPA). Deska applies this to delivery by public notice (§ 25) and to the Polish
 *    obwieszczenie (art. 49): whether the move applies to a period after which something only
 *    "counts as delivered" is disputed, and the longer reading can never make a removal early.
 *    Minimum posting durations that are no deadline for anyone's act (the bylaw promulgation
 *    notice, § 39 and § 93 of the zákon o obcích) do not move. Each board can change this per type.
 * 3. "Posted at least N days" means the notice hangs for the whole of every counted day, so the
 *    earliest lawful removal instant is 00:00 of the day after the last day, in the board's zone.
 *    Midnight exists on every day in Europe/Prague and Europe/Warsaw (the clocks change at 02:00
 *    and 03:00); zone.ts's fromWallTime would move a missing wall time later, never earlier.
 * 4. "At least N days before" an event day (the council's decision for a § 39 intention, the
 *    meeting for § 93): N whole days lie between the posting day and the event day, neither of
 *    which counts, so the latest lawful posting day is event − N − 1 (a meeting on Wednesday
 *    18 November needs the notice posted by Tuesday 10 November). The notice stays up until
 *    the event day has passed: the last day is the later of the counted end and the event day.
 * 5. Removal earlier than the lawful instant is a withdrawal and needs a recorded reason; that is
 *    enforced by the store, not here.
 */
import type { Country, LawfulPeriod, NoticeType } from '../shared/notice-types.ts';
import { fromWallTime, toWallTime } from '../shared/zone.ts';
import { addDays, nextWorkingDay } from './calendar.ts';

/** Where the days are counted: the board's country (holidays) and time zone (which day an instant falls on). */
export interface LegalCalendar {
  country: Country;
  timeZone: string;
}

type Rule = Pick<NoticeType, 'rule' | 'days' | 'movesToWorkingDay'>;

/** The day an instant falls on in the board's zone. */
export function dayOf(ms: number, timeZone: string): string {
  return toWallTime(ms, timeZone).date;
}

/** 00:00 of a day in the zone, as an instant. */
export function startOfDay(day: string, timeZone: string): number {
  return fromWallTime({ date: day, time: '00:00' }, timeZone);
}

/** The last counted day of a period that starts the day after `postingDay`, moved off weekends and holidays where the rule says. */
export function periodEnd(rule: Rule, country: Country, postingDay: string): { nominal: string; end: string } {
  const nominal = addDays(postingDay, rule.days);
  return { nominal, end: rule.movesToWorkingDay ? nextWorkingDay(country, nominal) : nominal };
}

/**
 * The latest posting day for an event day under a `before-event` rule: the last day whose
 * counted period ends before the event day (see 4 above). Null for other rules.
 */
export function latestPostingDay(rule: Rule, country: Country, eventDay: string): string | null {
  if (rule.rule !== 'before-event') return null;
  // Without a move this is event − days − 1; a move can only push the end later, so look earlier.
  let p = addDays(eventDay, -rule.days - 1);
  while (periodEnd(rule, country, p).end >= eventDay) p = addDays(p, -1);
  return p;
}

/** The lawful period of a notice of this type posted at `postAt` (ms); `eventDay` for `before-event` types. */
export function lawfulPeriod(rule: Rule, cal: LegalCalendar, postAt: number, eventDay: string | null = null): LawfulPeriod {
  const postingDay = dayOf(postAt, cal.timeZone);
  if (rule.rule === 'none' || rule.days <= 0 && rule.rule === 'after-posting') {
    return { postingDay, lastDay: null, countedEnd: null, removeNotBefore: postAt, latestPostingDay: null, postedTooLate: false };
  }
  const { nominal, end } = periodEnd(rule, cal.country, postingDay);
  let lastDay = end;
  let latest: string | null = null;
  if (rule.rule === 'before-event' && eventDay !== null) {
    latest = latestPostingDay(rule, cal.country, eventDay);
    if (eventDay > lastDay) lastDay = eventDay;
  }
  return {
    postingDay,
    lastDay,
    countedEnd: nominal,
    removeNotBefore: Math.max(postAt, startOfDay(addDays(lastDay, 1), cal.timeZone)),
    latestPostingDay: latest,
    postedTooLate: latest !== null && postingDay > latest,
  };
}
