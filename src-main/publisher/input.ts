/**
 * Checking what clients send, before anything is stored: text fields without control
 * characters, instants that exist. Every refusal is a DomainError with a Czech message that says
 * which field is wrong and how.
 *
 * Text: C0 controls (except tab and line feed in multi-line fields; CR LF and CR become LF), DEL,
 * C1 controls, bidirectional embeddings and overrides (U+202A–U+202E), unpaired surrogates and the non-characters U+FFFE/U+FFFF are refused: they are
 * invisible on screen, cannot be written into XML (the mirror's Atom feed) and would make two
 * notices that look identical differ. U+2028/U+2029 (line and paragraph separators pasted from
 * word processors) become a line feed in multi-line fields and a space in single-line ones; a tab
 * in a single-line field becomes a space.
 *
 * Instants: ISO 8601 with an offset, a date that exists in the calendar, a year from 2000 to
 * 2200 and an offset of at most ±14:00 (the widest in use on Earth).
 */
import { DomainError } from '../store/notices.ts';

export const YEAR_RANGE = { min: 2000, max: 2200 } as const;

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;
const EXAMPLE = 'např. 2026-11-21T08:00:00+01:00';

function unprocessable(code: string, message: string): DomainError {
  return new DomainError(code, message, 422);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** An ISO 8601 instant with offset, checked field by field, as UTC "…Z". */
export function parseInstant(label: string, v: unknown): string {
  const m = typeof v === 'string' ? INSTANT.exec(v) : null;
  if (!m) throw unprocessable('bad_instant', `${label} musí být datum a čas ve formátu ISO 8601 s časovou zónou, ${EXAMPLE}.`);
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (year < YEAR_RANGE.min || year > YEAR_RANGE.max) {
    throw unprocessable('bad_instant', `${label}: rok ${year} je mimo povolený rozsah ${YEAR_RANGE.min}–${YEAR_RANGE.max}. Zkontrolujte rok.`);
  }
  if (month < 1 || month > 12) throw unprocessable('bad_instant', `${label}: měsíc ${month} neexistuje (povoleno 1–12).`);
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) {
    throw unprocessable('bad_instant', `${label}: den ${day}. ${month}. ${year} neexistuje (měsíc má ${days} dní). Zadejte platné datum.`);
  }
  if (hour > 23 || minute > 59 || second > 59) {
    throw unprocessable('bad_instant', `${label}: čas ${m[4]}:${m[5]}${m[6] ? `:${m[6]}` : ''} neexistuje (hodiny 0–23, minuty a sekundy 0–59).`);
  }
  if (m[8] !== 'Z') {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (om > 59 || oh * 60 + om > 14 * 60) {
      throw unprocessable('bad_instant', `${label}: posun časové zóny ${m[8]} neexistuje (nejvýše ±14:00; v Česku +01:00 v zimě a +02:00 v létě).`);
    }
  }
  const ms = Date.parse(v as string);
  if (Number.isNaN(ms)) throw unprocessable('bad_instant', `${label} musí být datum a čas ve formátu ISO 8601 s časovou zónou, ${EXAMPLE}.`);
  return new Date(ms).toISOString();
}

// C0 except TAB/LF/CR, DEL, C1, non-characters; surrogates are checked separately. Also the
// bidirectional embeddings and overrides U+202A–U+202E: invisible, they reorder the text after
// them on screen, so a title could show "…exe.FDP" while it says "…PDF.exe" (Czech text never
// needs them; right-to-left letters are ordered by the Unicode algorithm without them).
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A text field without control characters (see the module comment). `label` names the field for
 * the clerk; `max` is its longest length in characters.
 */
export function cleanText(label: string, v: string, o: { multiline?: boolean; max?: number } = {}): string {
  let s = v.replace(/\r\n?/g, '\n');
  s = o.multiline ? s.replace(/[\u2028\u2029]/g, '\n') : s.replace(/[\u2028\u2029\t]/g, ' ');
  const bad = FORBIDDEN.exec(s) ?? LONE_SURROGATE.exec(s) ?? (o.multiline ? null : /\n/.exec(s));
  if (bad) {
    const what = bad[0] === '\n' ? 'zalomení řádku, které v tomto údaji nesmí být' : `neviditelný řídicí znak ${codePoint(bad[0])}`;
    throw unprocessable('bad_text', `Údaj „${label}“ obsahuje ${what} (${bad.index + 1}. znak). Odstraňte jej a zkuste to znovu.`);
  }
  if (o.max !== undefined && s.length > o.max) throw unprocessable('bad_text', `Údaj „${label}“ je delší než povolených ${o.max} znaků.`);
  return s;
}
