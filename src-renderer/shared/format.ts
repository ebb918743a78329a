/**
 * Dates and times in the clerk app, in the board's zone and the clerk's locale: Czech
 * ("21. 11. 2026 14:05") unless the selected board's locale is another one (pl-PL:
 * "21.11.2026, 14:05"). Never the browser's default locale. The app sets the locale when the
 * clerk selects a board (setClerkLocale) and re-creates its screens, so plain functions suffice.
 */
import * as zone from '../../src-main/shared/zone.ts';

let locale = 'cs-CZ';
const cache = new Map<string, Intl.DateTimeFormat>();

/** The locale of the selected board ("cs-CZ" when it has none or an unknown one). */
export function setClerkLocale(tag: string | undefined): void {
  try {
    locale = tag ? (Intl.DateTimeFormat.supportedLocalesOf([tag])[0] ?? 'cs-CZ') : 'cs-CZ';
  } catch {
    locale = 'cs-CZ';
  }
}

export function clerkLocale(): string {
  return locale;
}

const isCzech = (): boolean => locale.toLowerCase().startsWith('cs');

function intl(timeZone: string, options: Intl.DateTimeFormatOptions, key: string): Intl.DateTimeFormat {
  const k = `${locale}|${timeZone}|${key}`;
  let f = cache.get(k);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone, ...options });
    cache.set(k, f);
  }
  return f;
}

/** Date and time of an instant in the zone: "21. 11. 2026 14:05" (cs), "21.11.2026, 14:05" (pl). */
export function formatWall(ms: number, timeZone: string, withSeconds = false): string {
  // Czech keeps the one hand-built form the certificate and mirror use too.
  if (isCzech()) return zone.formatWall(ms, timeZone, withSeconds);
  const opts: Intl.DateTimeFormatOptions = { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  if (withSeconds) opts.second = '2-digit';
  return intl(timeZone, opts, withSeconds ? 'dts' : 'dt').format(ms);
}

/** The date of an instant in the zone: "21. 11. 2026" (cs), "21.11.2026" (pl). */
export function formatDate(ms: number, timeZone: string): string {
  if (isCzech()) return zone.formatDate(ms, timeZone);
  return intl(timeZone, { day: '2-digit', month: '2-digit', year: 'numeric' }, 'd').format(ms);
}

/** A calendar day "YYYY-MM-DD" (already in the board's zone) as the locale writes it. */
export function formatDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return formatDate(Date.UTC(y, m - 1, d, 12), 'UTC');
}

/** "pondělí 23. 11." (cs), "poniedziałek, 23.11" (pl): a day of this week at a glance. */
export function formatWeekday(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return intl('UTC', { weekday: 'long', day: 'numeric', month: 'numeric' }, 'wd').format(Date.UTC(y, m - 1, d, 12));
}

/** "neděle" (cs), "niedziela" (pl): the name of a day's weekday. */
export function formatWeekdayName(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return intl('UTC', { weekday: 'long' }, 'w').format(Date.UTC(y, m - 1, d, 12));
}
