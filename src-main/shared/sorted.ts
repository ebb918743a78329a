/** The first index of `list` where `before` no longer holds (`before` holds for a prefix of the list, and no further): found by halving. */
export function lowerBound<T>(list: readonly T[], before: (x: T, i: number) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(list[mid]!, mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
