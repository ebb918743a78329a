/**
 * The deadline engine (src-main/legal/) checked on every day of 2026 and 2027, for every default
 * type of both countries, against both countries' calendars, and against a computation written
 * here independently: a naive day-by-day loop, its own weekday check, date-holidays' isHoliday
 * used only as data, and the removal midnight found by scanning instants with Intl (not zone.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Holidays from 'date-holidays';
import { defaultNoticeTypes } from '../../src-main/legal/defaults.ts';
import { lawfulPeriod, latestPostingDay } from '../../src-main/legal/periods.ts';
import type { Country, NoticeType } from '../../src-main/shared/notice-types.ts';

const ZONES: Record<Country, string> = { CZ: 'Europe/Prague', PL: 'Europe/Warsaw' };
const ALL_TYPES: NoticeType[] = [...defaultNoticeTypes('CZ'), ...defaultNoticeTypes('PL').filter((t) => t.id !== 'general')];
const DAY_MS = 86_400_000;

// ---- the independent computation -------------------------------------------------------
const libs: Record<Country, Holidays> = { CZ: new Holidays('CZ'), PL: new Holidays('PL') };
const dateFmt = new Map<string, Intl.DateTimeFormat>();
/** "YYYY-MM-DD" of an instant in a zone, via the Swedish locale's ISO-like date. */
function wallDay(ms: number, zone: string): string {
  let f = dateFmt.get(zone);
  if (!f) dateFmt.set(zone, (f = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(new Date(ms));
}
/** A calendar day as a UTC-midnight Date number, and back. */
const toNum = (day: string): number => Date.parse(`${day}T00:00:00Z`);
const toDay = (n: number): string => new Date(n).toISOString().slice(0, 10);
function offDay(country: Country, n: number): boolean {
  const wd = new Date(n).getUTCDay();
  if (wd === 0 || wd === 6) return true;
  // Noon UTC lies inside that day in both zones; isHoliday reads it in the country's zone.
  const found = libs[country].isHoliday(new Date(n + 12 * 3_600_000));
  return Array.isArray(found) && found.some((h) => h.type === 'public');
}
/** Counts the days one by one from the day after posting, then steps past days off if the type moves. */
function naiveEnd(t: NoticeType, country: Country, postingDay: string): string {
  let n = toNum(postingDay);
  for (let i = 0; i < t.days; i++) n += DAY_MS;
  if (t.movesToWorkingDay) while (offDay(country, n)) n += DAY_MS;
  return toDay(n);
}
const midnights = new Map<string, number>();
/** The first instant (on a 15-minute grid, enough for whole-hour zones) whose wall day is `day`. */
function naiveMidnight(day: string, zone: string): number {
  const key = `${zone}|${day}`;
  const hit = midnights.get(key);
  if (hit !== undefined) return hit;
  let ms = toNum(day) - 4 * 3_600_000;
  while (wallDay(ms, zone) < day) ms += 15 * 60_000;
  midnights.set(key, ms);
  return ms;
}
function naiveLatestPosting(t: NoticeType, country: Country, eventDay: string): string {
  let q = toNum(eventDay);
  while (naiveEnd(t, country, toDay(q)) >= eventDay) q -= DAY_MS;
  return toDay(q);
}

// Posting instants at these UTC hours land on the previous, same or next wall day in the zones.
const UTC_HOURS = [-3, -1, 0, 1, 7, 11, 21, 22, 23, 23.99];

test('every day of 2026 and 2027 × every type × the CZ and PL calendars agrees with the naive count', () => {
  let checked = 0;
  const start = Date.UTC(2026, 0, 1);
  const end = Date.UTC(2028, 0, 1);
  for (const country of ['CZ', 'PL'] as Country[]) {
    const cal = { country, timeZone: ZONES[country] };
    for (const t of ALL_TYPES) {
      let i = 0;
      for (let d = start; d < end; d += DAY_MS, i++) {
        const postAt = d + Math.round(UTC_HOURS[i % UTC_HOURS.length]! * 3_600_000);
        const postingDay = wallDay(postAt, cal.timeZone);
        const eventDay = t.rule === 'before-event' ? toDay(toNum(postingDay) + (i % 31) * DAY_MS) : null;
        const got = lawfulPeriod(t, cal, postAt, eventDay);
        const where = `${country} ${t.id} posted ${new Date(postAt).toISOString()}${eventDay ? ` event ${eventDay}` : ''}`;
        assert.equal(got.postingDay, postingDay, where);
        if (t.rule === 'none') {
          assert.equal(got.lastDay, null, where);
          assert.equal(got.removeNotBefore, postAt, where);
          checked++;
          continue;
        }
        let last = naiveEnd(t, country, postingDay);
        if (eventDay !== null && eventDay > last) last = eventDay;
        assert.equal(got.lastDay, last, where);
        const nextDay = toDay(toNum(last) + DAY_MS);
        assert.equal(got.removeNotBefore, naiveMidnight(nextDay, cal.timeZone), where);
        assert.equal(wallDay(got.removeNotBefore - 1, cal.timeZone), last, `${where}: one ms earlier is still the last day`);
        if (eventDay !== null) {
          const latest = naiveLatestPosting(t, country, eventDay);
          assert.equal(got.latestPostingDay, latest, where);
          assert.equal(got.postedTooLate, postingDay > latest, where);
        }
        checked++;
      }
    }
  }
  assert.equal(checked, 2 * ALL_TYPES.length * 730);
});

// ---- worked examples (the closing note's table): each crosses a weekend or a holiday ----

const byId = (id: string): NoticeType => ALL_TYPES.find((t) => t.id === id)!;
const CZ = { country: 'CZ' as const, timeZone: 'Europe/Prague' };
const PL = { country: 'PL' as const, timeZone: 'Europe/Warsaw' };
const iso = (ms: number): string => new Date(ms).toISOString();

test('§ 25 posted Wed 9 Dec 2026: day 15 is Štědrý den, then 25, 26 Dec and a Sunday; the period ends Mon 28 Dec', () => {
  const p = lawfulPeriod(byId('cz-verejna-vyhlaska'), CZ, Date.parse('2026-12-09T09:00:00+01:00'));
  assert.equal(p.countedEnd, '2026-12-24');
  assert.equal(p.lastDay, '2026-12-28');
  assert.equal(iso(p.removeNotBefore), '2026-12-28T23:00:00.000Z'); // 29. 12. 2026 00:00 CET
});

test('§ 25 across the spring clock change: posted Fri 13 Mar 2026, day 15 is Sat 28 Mar, ends Mon 30 Mar (CEST)', () => {
  const p = lawfulPeriod(byId('cz-verejna-vyhlaska'), CZ, Date.parse('2026-03-13T10:00:00+01:00'));
  assert.equal(p.lastDay, '2026-03-30');
  assert.equal(iso(p.removeNotBefore), '2026-03-30T22:00:00.000Z'); // 31. 3. 2026 00:00 CEST
});

test('bylaw promulgation notice posted 9 Dec 2026 hangs through 24 Dec: a holiday does not extend it', () => {
  const p = lawfulPeriod(byId('cz-vyhlaseni-ozv'), CZ, Date.parse('2026-12-09T09:00:00+01:00'));
  assert.equal(p.lastDay, '2026-12-24');
  assert.equal(iso(p.removeNotBefore), '2026-12-24T23:00:00.000Z');
});

test('§ 39 decision on Mon 11 May 2026: latest posting Sat 25 Apr; posted then, it hangs through 11 May', () => {
  const t = byId('cz-zamer-majetek');
  assert.equal(latestPostingDay(t, 'CZ', '2026-05-11'), '2026-04-25');
  const ok = lawfulPeriod(t, CZ, Date.parse('2026-04-24T08:00:00+02:00'), '2026-05-11');
  assert.equal(ok.postedTooLate, false);
  assert.equal(ok.lastDay, '2026-05-11');
  assert.equal(iso(ok.removeNotBefore), '2026-05-11T22:00:00.000Z');
  const late = lawfulPeriod(t, CZ, Date.parse('2026-04-26T08:00:00+02:00'), '2026-05-11');
  assert.equal(late.postedTooLate, true);
});

test('§ 93 meeting on Wed 18 Nov 2026 (the day after a holiday): post by Tue 10 Nov, hang through 18 Nov', () => {
  const t = byId('cz-zasedani-zastupitelstva');
  assert.equal(latestPostingDay(t, 'CZ', '2026-11-18'), '2026-11-10');
  const p = lawfulPeriod(t, CZ, Date.parse('2026-11-10T16:00:00+01:00'), '2026-11-18');
  assert.equal(p.postedTooLate, false);
  assert.equal(p.lastDay, '2026-11-18');
  assert.equal(lawfulPeriod(t, CZ, Date.parse('2026-11-11T08:00:00+01:00'), '2026-11-18').postedTooLate, true);
});

test('art. 49 KPA posted Wed 28 Oct 2026: day 14 is 11 Nov (Independence Day), the period ends Thu 12 Nov', () => {
  const p = lawfulPeriod(byId('pl-obwieszczenie'), PL, Date.parse('2026-10-28T12:00:00+01:00'));
  assert.equal(p.countedEnd, '2026-11-11');
  assert.equal(p.lastDay, '2026-11-12');
  assert.equal(iso(p.removeNotBefore), '2026-11-12T23:00:00.000Z');
});

test('the general type has no minimum; the calendar decides the day: 23:30 UTC on 31 Dec is 1 Jan in Prague', () => {
  const post = Date.parse('2026-12-31T23:30:00Z');
  const g = lawfulPeriod(byId('general'), CZ, post);
  assert.equal(g.lastDay, null);
  assert.equal(g.removeNotBefore, post);
  // § 25 posted 1 Jan 2027 (Prague): day 15 is Sat 16 Jan → Mon 18 Jan.
  assert.equal(lawfulPeriod(byId('cz-verejna-vyhlaska'), CZ, post).lastDay, '2027-01-18');
});
