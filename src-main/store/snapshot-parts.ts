/**
 * Content-addressed snapshot storage (docs/snapshots.md). A signed manifest is
 *   frame[0, at) + part₁ + "," + part₂ + … + partₙ + frame[at, end)
 * where each part is one notice exactly as it stands in the signed bytes, and the frame is the
 * rest (format, board, snapshot header, `"notices":[` … `]}`). Parts are stored once by their
 * SHA-256 in `snapshot_parts`. A snapshot's ordered list of notice parts is cut into chunks at
 * content-defined boundaries (a part whose hash starts with a byte below CHUNK_BOUNDARY ends a
 * chunk), and each chunk (the 32-byte hashes of its parts) is itself a part: a snapshot row keeps
 * only its frame and the hashes of its chunks. One changed notice adds one notice part, one chunk
 * and a short list; the unchanged chunks before and after it are shared with earlier snapshots.
 * Pure: no SQLite here (snapshots.ts stores and reads).
 */
import { createHash } from 'node:crypto';

/** A notice part ends a chunk when its hash's first byte is below this: about 1 in 64. */
export const CHUNK_BOUNDARY = 4;
/** A chunk never holds more parts than this (a long run without a boundary). */
export const CHUNK_MAX = 256;
const HASH_BYTES = 32;

/** A manifest cut into its frame and its notices. `at` null: the frame is the whole manifest (no parts). */
export interface ManifestSplit {
  frame: Buffer;
  at: number | null;
  notices: Buffer[];
}

export function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** The manifest's bytes from its frame and notice parts. */
export function joinManifest(frame: Buffer, at: number | null, notices: readonly Buffer[]): Buffer {
  if (at === null) return frame;
  const pieces: Buffer[] = [frame.subarray(0, at)];
  notices.forEach((n, i) => {
    if (i > 0) pieces.push(COMMA);
    pieces.push(n);
  });
  pieces.push(frame.subarray(at));
  return Buffer.concat(pieces);
}
const COMMA = Buffer.from(',');
const TAIL = Buffer.from(']}');
const EMPTY_LIST = Buffer.from('"notices":[]}');

/**
 * Splits signed manifest bytes whose last member is the `notices` array, as JSON.stringify writes
 * it. The split is kept only if joining it gives back the very same bytes; otherwise (a manifest
 * written some other way) the whole manifest is the frame, so a signature always verifies.
 */
export function splitManifest(bytes: Buffer, parsedNotices?: readonly unknown[]): ManifestSplit {
  const whole: ManifestSplit = { frame: bytes, at: null, notices: [] };
  let notices = parsedNotices;
  if (notices === undefined) {
    try {
      const m = JSON.parse(bytes.toString('utf8')) as { notices?: unknown };
      if (!Array.isArray(m.notices)) return whole;
      notices = m.notices;
    } catch {
      return whole;
    }
  }
  const parts = notices.map((n) => Buffer.from(JSON.stringify(n), 'utf8'));
  const listLength = parts.reduce((s, p) => s + p.length, 0) + Math.max(0, parts.length - 1);
  const at = bytes.length - TAIL.length - listLength;
  if (at < 0 || !bytes.subarray(bytes.length - TAIL.length).equals(TAIL)) return whole;
  const frame = Buffer.concat([bytes.subarray(0, at), TAIL]);
  if (!frame.subarray(frame.length - EMPTY_LIST.length).equals(EMPTY_LIST)) return whole;
  const split = { frame, at, notices: parts };
  return joinManifest(frame, at, parts).equals(bytes) ? split : whole;
}

/** The manifest of `notices` under the given frame (JSON.stringify of the manifest with `notices: []`). */
export function splitFromFrame(frameJson: string, notices: readonly unknown[]): ManifestSplit {
  const frame = Buffer.from(frameJson, 'utf8');
  if (!frame.subarray(frame.length - EMPTY_LIST.length).equals(EMPTY_LIST)) throw new Error('the notices list must be the last member of a manifest');
  return { frame, at: frame.length - TAIL.length, notices: notices.map((n) => Buffer.from(JSON.stringify(n), 'utf8')) };
}

/** Notice part hashes cut into chunks at content-defined boundaries. */
export function chunk(hashes: readonly Buffer[]): Buffer[][] {
  const out: Buffer[][] = [];
  let current: Buffer[] = [];
  for (const h of hashes) {
    current.push(h);
    if (h[0]! < CHUNK_BOUNDARY || current.length >= CHUNK_MAX) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Concatenated 32-byte hashes back to a list; throws on a length that is not a multiple of 32. */
export function hashList(bytes: Buffer): Buffer[] {
  if (bytes.length % HASH_BYTES !== 0) throw new Error(`a list of hashes has ${bytes.length} bytes, not a multiple of ${HASH_BYTES}`);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += HASH_BYTES) out.push(bytes.subarray(i, i + HASH_BYTES));
  return out;
}

/**
 * Stores a manifest's notice parts and their chunks through `put(hexHash, body)` (an INSERT OR
 * IGNORE: a part already stored is shared); returns the snapshot's list of chunk hashes.
 */
export function putParts(notices: readonly Buffer[], put: (hash: string, body: Buffer) => void): Buffer {
  const store = (body: Buffer): Buffer => {
    const h = sha256(body);
    put(h.toString('hex'), body);
    return h;
  };
  return Buffer.concat(chunk(notices.map(store)).map((list) => store(Buffer.concat(list))));
}

/** Hashes `from` to `to` (exclusive) of a list of concatenated 32-byte hashes, as hex strings. */
export function hexRange(list: Uint8Array, from: number, to: number): string[] {
  const b = Buffer.from(list.buffer, list.byteOffset, list.byteLength);
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(b.toString('hex', i * HASH_BYTES, (i + 1) * HASH_BYTES));
  return out;
}

/** Hash `i` of a list of concatenated 32-byte hashes, as hex. */
export function hexAt(list: Uint8Array, i: number): string {
  return Buffer.from(list.buffer, list.byteOffset + i * HASH_BYTES, HASH_BYTES).toString('hex');
}

/** Hashes hashSpan compares at once with memcmp before it compares them one by one. */
const BLOCK = 128;

/**
 * Where two lists of concatenated 32-byte hashes differ: `head` hashes alike at the start and
 * `tail` alike at the end (never overlapping: head + tail ≤ the shorter list's length). One
 * change to a snapshot (a notice corrected, withdrawn, added or dropped) leaves one run of
 * differing hashes between them. Compared with memcmp (Buffer.compare) a block of 128 hashes at a
 * time, then hash by hash in the block that differs: each byte is compared about once, and no
 * hash is turned into a string.
 */
export function hashSpan(a: Uint8Array, b: Uint8Array): { head: number; tail: number } {
  if (a.byteLength % HASH_BYTES !== 0 || b.byteLength % HASH_BYTES !== 0) throw new Error('a list of hashes whose length is not a multiple of 32');
  const A = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const B = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const na = A.length / HASH_BYTES;
  const nb = B.length / HASH_BYTES;
  const min = Math.min(na, nb);
  /** Hashes alike from the start (`fromEnd` false) or from the end, at most `limit`. */
  const alike = (limit: number, fromEnd: boolean): number => {
    // Hash i (counted from the start or from the end) of each list, as byte offsets.
    const at = (n: number, i: number): number => (fromEnd ? (n - 1 - i) * HASH_BYTES : i * HASH_BYTES);
    const same = (i: number, count: number): boolean => {
      const [fa, fb] = fromEnd ? [at(na, i + count - 1), at(nb, i + count - 1)] : [at(na, i), at(nb, i)];
      return A.compare(B, fb, fb + count * HASH_BYTES, fa, fa + count * HASH_BYTES) === 0;
    };
    let i = 0;
    while (i + BLOCK <= limit && same(i, BLOCK)) i += BLOCK;
    while (i < limit && same(i, 1)) i++;
    return i;
  };
  const head = alike(min, false);
  const tail = alike(min - head, true);
  return { head, tail };
}
