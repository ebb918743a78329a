/**
 * What the clerk is told about a notice's lawful period, and which removals the law forbids.
 * Pure: returns refusals with Czech messages; the store turns them into errors.
 */
import type { Country, LawfulPeriod, LawfulPeriodView, NoticeType } from '../shared/notice-types.ts';
import { formatWall, toOffsetIso } from '../shared/zone.ts';
import { holidayName, isDay, weekday } from './calendar.ts';
import { lawfulPeriod, type LegalCalendar } from './periods.ts';

export interface Refusal {
  code: string;
  message: string;
}

const WEEKDAYS = ['neděle', 'pondělí', 'úterý', 'středa', 'čtvrtek', 'pátek', 'sobota'];

/** "28. 12. 2026" for "2026-12-28". */
export function formatDay(day: string): string {
  const [y, m, d] = day.split('-');
  return `${Number(d)}. ${Number(m)}. ${y}`;
}

/** "pondělí 28. 12. 2026". */
export function formatDayLong(day: string): string {
  return `${WEEKDAYS[weekday(day)]} ${formatDay(day)}`;
}

/** Why a day is no working day, or null: "sobota", "Štědrý den". */
function dayOff(country: Country, day: string): string | null {
  const h = holidayName(country, day);
  if (h) return `svátek ${h}`;
  const wd = weekday(day);
  return wd === 0 || wd === 6 ? WEEKDAYS[wd]! : null;
}

/** Czech sentences: what the law requires of this notice, ending with the earliest removal unless `withRemoval` is false. */
export function explainPeriod(t: NoticeType, p: LawfulPeriod, cal: LegalCalendar, eventDay: string | null, withRemoval = true): string {
  if (p.lastDay === null) return `Typ „${t.name}“ nemá zákonnou minimální dobu vyvěšení.`;
  const parts: string[] = [];
  if (t.rule === 'before-event') {
    if (eventDay === null) parts.push(`Vyplňte ${t.eventLabel?.toLowerCase() ?? 'datum události'}: oznámení musí viset nejméně ${t.days} dní před ním.`);
    else {
      parts.push(`${t.eventLabel ?? 'Datum události'} je ${formatDayLong(eventDay)}; oznámení musí být vyvěšeno nejpozději ${formatDayLong(p.latestPostingDay!)} (nejméně ${t.days} celých dní předem).`);
      if (p.postedTooLate) parts.push(`Vyvěšení ${formatDay(p.postingDay)} je pozdě: rozhodnutí nebo zasedání v tento den by nebylo v souladu se zákonem. Posuňte datum vyvěšení, nebo datum události.`);
    }
  } else {
    const off = p.countedEnd !== null && p.countedEnd !== p.lastDay ? dayOff(cal.country, p.countedEnd) : null;
    parts.push(
      off
        ? `Lhůta ${t.days} dní od vyvěšení ${formatDay(p.postingDay)} končí ${formatDay(p.countedEnd!)} (${off}), proto se posouvá na nejbližší pracovní den ${formatDayLong(p.lastDay)}.`
        : `Lhůta ${t.days} dní od vyvěšení ${formatDay(p.postingDay)} končí ${formatDayLong(p.lastDay)}.`,
    );
  }
  if (withRemoval) parts.push(`Sejmout lze nejdříve ${formatWall(p.removeNotBefore, cal.timeZone)}.`);
  return parts.join(' ');
}

/** The API's view of a period. */
export function periodView(t: NoticeType, cal: LegalCalendar, postAt: number, eventDay: string | null): LawfulPeriodView {
  const p = lawfulPeriod(t, cal, postAt, eventDay);
  return {
    type: t.id,
    postingDay: p.postingDay,
    lastDay: p.lastDay,
    countedEnd: p.countedEnd,
    removeNotBefore: toOffsetIso(p.removeNotBefore, cal.timeZone),
    latestPostingDay: p.latestPostingDay,
    postedTooLate: p.postedTooLate,
    explanation: explainPeriod(t, p, cal, eventDay),
  };
}

/** The event day a type takes: refused when malformed, or given to a type without one. */
export function checkEventDate(t: NoticeType, eventDate: string | null): Refusal | null {
  if (eventDate === null) return null;
  if (t.rule !== 'before-event') {
    return { code: 'bad_event_date', message: `Typ „${t.name}“ nemá datum rozhodnutí ani zasedání; údaj „eventDate“ vynechte nebo zvolte jiný typ.` };
  }
  if (!isDay(eventDate) || eventDate < '2000-01-01' || eventDate > '2200-12-31') {
    return { code: 'bad_event_date', message: `${t.eventLabel ?? 'Datum události'} musí být platné datum ve tvaru RRRR-MM-DD, např. 2026-12-14.` };
  }
  return null;
}

/**
 * A removal instant earlier than the law allows, as a refusal naming the lawful date. Only a
 * withdrawal (with a recorded reason) ends a notice earlier.
 */
export function checkRemoval(t: NoticeType, cal: LegalCalendar, postAt: number, removeAt: number | null, eventDay: string | null): Refusal | null {
  if (removeAt === null) return null;
  const p = lawfulPeriod(t, cal, postAt, eventDay);
  if (p.lastDay === null || removeAt >= p.removeNotBefore) return null;
  return {
    code: 'before_lawful_removal',
    message:
      `Oznámení typu „${t.name}“ musí zůstat vyvěšeno nejméně do konce dne ${formatDayLong(p.lastDay)}; ` +
      `sejmout jej lze nejdříve ${formatWall(p.removeNotBefore, cal.timeZone)}. ${explainPeriod(t, p, cal, eventDay, false)} ` +
      'Posuňte datum sejmutí na pozdější (nebo je nechte prázdné), nebo oznámení po zveřejnění stáhněte s uvedením důvodu.',
  };
}
