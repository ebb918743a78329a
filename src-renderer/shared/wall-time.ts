/**
 * Wall-clock entry in the board's zone for the clerk app: what a date + time resolves to, and
 * whether it falls into a daylight-saving gap or repeat (resolved "never early", see zone.ts).
 */
import { formatOffset, fromWallTime, toWallTime, zoneOffsetMinutes } from '../../src-main/shared/zone.ts';
import { formatWall } from './format.ts';

export interface WallResolution {
  ms: number;
  kind: 'normal' | 'gap' | 'repeat';
  /** A Czech sentence for the clerk when kind is not normal. */
  hint: string | null;
}

/** "SEČ (UTC+01:00)" for Prague in winter; "UTC+05:30" elsewhere. */
export function zoneLabel(ms: number, timeZone: string): string {
  const off = zoneOffsetMinutes(ms, timeZone);
  const utc = `UTC${formatOffset(off).replace('-', '−')}`;
  if (timeZone === 'Europe/Prague') return `${off === 120 ? 'SELČ' : 'SEČ'} (${utc})`;
  return utc;
}

export function resolveWall(date: string, time: string, timeZone: string): WallResolution | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}(:\d{2})?$/.test(time)) return null;
  const ms = fromWallTime({ date, time }, timeZone);
  const hm = time.slice(0, 5);
  const back = toWallTime(ms, timeZone);
  const [y, mo, d] = date.split('-');
  const day = `${Number(d)}. ${Number(mo)}. ${y}`;
  if (back.date !== date || back.time.slice(0, 5) !== hm) {
    return {
      ms,
      kind: 'gap',
      hint: `Čas ${hm} dne ${day} v tomto pásmu neexistuje (hodiny se posouvají na letní čas). Použije se ${formatWall(ms, timeZone)} ${zoneLabel(ms, timeZone)}.`,
    };
  }
  const shift = (zoneOffsetMinutes(ms - 86_400_000, timeZone) - zoneOffsetMinutes(ms + 86_400_000, timeZone)) * 60_000;
  if (shift > 0) {
    const earlier = toWallTime(ms - shift, timeZone);
    if (earlier.date === date && earlier.time.slice(0, 5) === hm) {
      return {
        ms,
        kind: 'repeat',
        hint: `Čas ${hm} dne ${day} nastane dvakrát (hodiny se posouvají na zimní čas). Použije se pozdější z nich, ${hm} ${zoneLabel(ms, timeZone)}, aby nic nebylo vyvěšeno ani sejmuto předčasně.`,
      };
    }
  }
  return { ms, kind: 'normal', hint: null };
}
