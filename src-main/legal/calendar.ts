/**
 * Working days of a country: the one place that wraps the date-holidays library. A day is
 * "YYYY-MM-DD" (a calendar day, no zone: the caller has already taken it in the board's zone).
 *
 * A working day is neither a Saturday nor a Sunday nor a public holiday. Public holidays are the
 * library's type "public" for the country: in Czechia the státní svátky and ostatní svátky of
 * zákon 245/2000 Sb. (all days off), in Poland the dni ustawowo wolne od pracy of the ustawa of
 * 18 January 1951 (Wigilia since 2025 included). Observances ("Škaredá středa", "Dzień Matki")
 * and optional days are working days.
 */
import Holidays from 'date-holidays';
import type { Country } from '../shared/notice-types.ts';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const holidaysByYear = new Map<string, ReadonlySet<string>>();
const libraries = new Map<Country, Holidays>();

function library(country: Country): Holidays {
  let h = libraries.get(country);
  if (!h) libraries.set(country, (h = new Holidays(country)));
  return h;
}

/** The public holidays of one year, as days. Cached: holidays never change for a library version. */
export function publicHolidays(country: Country, year: number): ReadonlySet<string> {
  const key = `${country}:${year}`;
  let set = holidaysByYear.get(key);
  if (!set) {
    const days = library(country)
      .getHolidays(year)
      .filter((h) => h.type === 'public')
      .map((h) => h.date.slice(0, 10));
    holidaysByYear.set(key, (set = new Set(days)));
  }
  return set;
}

/** The holiday's name on that day, or null (for messages: "Štědrý den"). */
export function holidayName(country: Country, day: string): string | null {
  const year = Number(day.slice(0, 4));
  const h = library(country)
    .getHolidays(year)
    .find((x) => x.type === 'public' && x.date.slice(0, 10) === day);
  return h ? h.name : null;
}

function parts(day: string): [number, number, number] {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`not a day: ${day}`);
  return [+m[1]!, +m[2]!, +m[3]!];
}

/** True for "YYYY-MM-DD" that exists in the calendar. */
export function isDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

/** The day `n` days after `day` (n may be negative). Calendar arithmetic: no zone, no DST. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = parts(day);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: string): number {
  const [y, m, d] = parts(day);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function isWorkingDay(country: Country, day: string): boolean {
  const wd = weekday(day);
  if (wd === 0 || wd === 6) return false;
  return !publicHolidays(country, Number(day.slice(0, 4))).has(day);
}

/** The day itself when it is a working day, else the next working day. */
export function nextWorkingDay(country: Country, day: string): string {
  let d = day;
  while (!isWorkingDay(country, d)) d = addDays(d, 1);
  return d;
}
