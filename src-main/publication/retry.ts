/** Exponential backoff for publication retries: base, 2×base, 4×base … capped at max. */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 2_000, maxMs: 5 * 60_000 };

/** Wait before the next attempt after `failures` failures in a row (≥ 1). */
export function backoffMs(failures: number, p: RetryPolicy): number {
  return Math.min(p.maxMs, p.baseMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
}

/** The message of anything thrown, on one line. */
export function reasonOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim().slice(0, 500);
}
