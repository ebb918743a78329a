/**
 * Instants in evidence: strict UTC ISO 8601 ("2026-11-21T08:00:00.000Z", milliseconds
 * optional). Anything else, including impossible calendar dates such as 2027-02-30 that
 * Date.parse would quietly move forward, is not an instant.
 */
const UTC_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

/** Milliseconds since the epoch, or null when `value` is not a strict UTC ISO instant. */
export function parseUtcInstant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = UTC_ISO.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number((frac ?? '0').padEnd(3, '0')));
  const back = new Date(ms);
  if (
    Number.isNaN(ms) ||
    back.getUTCFullYear() !== Number(y) ||
    back.getUTCMonth() !== Number(mo) - 1 ||
    back.getUTCDate() !== Number(d) ||
    back.getUTCHours() !== Number(h) ||
    back.getUTCMinutes() !== Number(mi) ||
    back.getUTCSeconds() !== Number(s)
  ) {
    return null;
  }
  return ms;
}
