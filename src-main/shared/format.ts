/** Small display formats shared by the mirror, the clerk app and the kiosk (pure). */

/** "1,2 MB" style sizes, Czech decimal comma. */
export function formatSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  const num = u === 0 ? String(v) : v.toLocaleString('cs-CZ', { maximumFractionDigits: 1 });
  return `${num} ${units[u]}`;
}
