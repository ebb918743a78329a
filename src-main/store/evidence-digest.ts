/**
 * Tamper evidence for the display evidence (sightings and outages) without an audit event per
 * heartbeat. Each channel's rows have a digest: the sum, modulo 2^256, of the SHA-256 of every
 * row (an additive set hash, so a change of one row updates it in constant time). Every
 * transaction that changes a channel's rows appends ONE audit event `evidence` that records
 * the channel's digest and row count after it; the hash chain then covers them. `deska audit
 * verify` recomputes each channel's digest from its rows and compares it with the newest
 * recorded one, so an edited, inserted or deleted row shows.
 *
 * The running digest starts from the newest digest IN THE LOG (not from a cached value a
 * direct edit could have changed too), so a later report never blesses an earlier edit.
 */
import { createHash } from 'node:crypto';

const MOD = 1n << 256n;

export interface SightingRowValues {
  notice_id: string;
  channel: string;
  first_shown_at: string;
  last_shown_at: string;
  gone_at: string | null;
}

export interface OutageRowValues {
  channel: string;
  from_at: string;
  to_at: string | null;
  reason: string;
  reported_at: string;
}

/** What one channel's evidence amounts to: the digest (64 hex digits) and how many rows. */
export interface ChannelDigest {
  digest: string;
  rows: number;
}

export const EMPTY_DIGEST: ChannelDigest = { digest: '0'.repeat(64), rows: 0 };

function rowHash(fields: unknown[]): bigint {
  return BigInt(`0x${createHash('sha256').update(JSON.stringify(fields)).digest('hex')}`);
}

export function sightingHash(r: SightingRowValues): bigint {
  return rowHash(['sighting', r.notice_id, r.channel, r.first_shown_at, r.last_shown_at, r.gone_at]);
}

export function outageHash(r: OutageRowValues): bigint {
  return rowHash(['outage', r.channel, r.from_at, r.to_at, r.reason, r.reported_at]);
}

/** A running digest: rows added and removed one by one. */
export class RunningDigest {
  private sum: bigint;
  rows: number;

  constructor(start: ChannelDigest) {
    this.sum = BigInt(`0x${start.digest}`);
    this.rows = start.rows;
  }

  add(h: bigint): void {
    this.sum = (this.sum + h) % MOD;
    this.rows++;
  }

  remove(h: bigint): void {
    this.sum = (this.sum - h + MOD) % MOD;
    this.rows--;
  }

  value(): ChannelDigest {
    return { digest: this.sum.toString(16).padStart(64, '0'), rows: this.rows };
  }
}

/** The action of the anchoring event and the shape of its detail. */
export const EVIDENCE_ACTION = 'evidence';
export interface EvidenceEventDetail {
  channels: Record<string, ChannelDigest>;
}

/** The channels' digests an evidence event's detail records; an empty object when it is malformed. */
export function digestsOf(detail: unknown): Record<string, ChannelDigest> {
  const channels = (detail as { channels?: unknown } | null)?.channels;
  if (channels === null || typeof channels !== 'object') return {};
  const out: Record<string, ChannelDigest> = {};
  for (const [ch, v] of Object.entries(channels as Record<string, unknown>)) {
    const d = v as { digest?: unknown; rows?: unknown } | null;
    if (d && typeof d.digest === 'string' && /^[0-9a-f]{64}$/.test(d.digest) && Number.isSafeInteger(d.rows)) {
      out[ch] = { digest: d.digest, rows: d.rows as number };
    }
  }
  return out;
}
