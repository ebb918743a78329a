/**
 * Converting between UTC instants and a board's wall-clock time. Pure (Intl only), so the
 * renderer uses it too. Daylight-saving rules come from the ICU data in Node and Chromium.
 */

export interface WallTime {
  /** "2026-03-29" */
  date: string;
  /** "02:30" or "02:30:15" */
  time: string;
}

const partsCache = new Map<string, Intl.DateTimeFormat>();

function fmt(timeZone: string): Intl.DateTimeFormat {
  let f = partsCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsCache.set(timeZone, f);
  }
  return f;
}

/** Offset of the zone from UTC at instant ms, in minutes (Prague: +60 in winter, +120 in summer). */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const p = Object.fromEntries(fmt(timeZone).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/** The wall time of an instant in a zone. */
export function toWallTime(ms: number, timeZone: string): WallTime {
  const p = Object.fromEntries(fmt(timeZone).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}:${p.second}` };
}

/**
 * toWallTime and zoneOffsetMinutes of one instant from one formatting (each costs tens of
 * microseconds, and the mirror prints both for tens of thousands of instants).
 */
export function wallAndOffset(ms: number, timeZone: string): { wall: WallTime; offset: number } {
  const p = Object.fromEntries(fmt(timeZone).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return { wall: { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}:${p.second}` }, offset: Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000) };
}

/**
 * The UTC instant of a wall time in a zone.
 *
 * Daylight-saving edges resolve so that a notice is never posted or removed early:
 * - a time that does not exist (spring-forward gap, 02:30 in Prague on the last Sunday of
 *   March) moves forward by the gap (→ 03:30 CEST);
 * - a time that occurs twice (autumn repeat, 02:30 on the last Sunday of October) takes the
 *   later occurrence (02:30 CET, i.e. 01:30Z).
 */
export function fromWallTime(wall: WallTime, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(wall.date);
  const t = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall.time);
  if (!m || !t) throw new RangeError(`not a date and time: ${wall.date} ${wall.time}`);
  const naive = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +t[1]!, +t[2]!, +(t[3] ?? 0));
  // Candidate instants: the naive time minus each offset in force around it.
  const offsets = new Set([zoneOffsetMinutes(naive - 86_400_000, timeZone), zoneOffsetMinutes(naive + 86_400_000, timeZone)]);
  const matches = [...offsets]
    .map((o) => naive - o * 60_000)
    .filter((ms) => zoneOffsetMinutes(ms, timeZone) * 60_000 === naive - ms)
    .sort((a, b) => a - b);
  if (matches.length > 0) return matches[matches.length - 1]!;
  // In the gap: read the wall time with the offset in force before it, which lands the
  // length of the gap later on the new offset (02:30 → 03:30 CEST).
  return naive - zoneOffsetMinutes(naive - 86_400_000, timeZone) * 60_000;
}

/** "21. 11. 2026 14:05" in the board's zone, Czech style. */
export function formatWall(ms: number, timeZone: string, withSeconds = false): string {
  return wallText(toWallTime(ms, timeZone), withSeconds);
}

/** A wall time as formatWall prints it. */
export function wallText(w: WallTime, withSeconds = false): string {
  const [y, mo, d] = w.date.split('-');
  return `${Number(d)}. ${Number(mo)}. ${y} ${withSeconds ? w.time : w.time.slice(0, 5)}`;
}

/** "21. 11. 2026" in the board's zone. */
export function formatDate(ms: number, timeZone: string): string {
  return dateText(toWallTime(ms, timeZone));
}

/** A wall time's date as formatDate prints it. */
export function dateText(w: WallTime): string {
  const [y, mo, d] = w.date.split('-');
  return `${Number(d)}. ${Number(mo)}. ${y}`;
}

/** An offset in minutes as ISO 8601 writes it: "+01:00", "-05:30". */
export function formatOffset(minutes: number): string {
  const a = Math.abs(minutes);
  return `${minutes >= 0 ? '+' : '-'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** ISO 8601 with the zone's offset, e.g. "2026-11-21T14:05:00+01:00" (what the API speaks). */
export function toOffsetIso(ms: number, timeZone: string): string {
  const w = toWallTime(ms, timeZone);
  return `${w.date}T${w.time}${formatOffset(zoneOffsetMinutes(ms, timeZone))}`;
}
