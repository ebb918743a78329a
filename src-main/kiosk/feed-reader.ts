/**
 * Reading a board's feed from its two kinds of source: HTTP (conditional GET) or a folder
 * (a network share the publisher writes the same layout into). No verification here: that is
 * sync.ts's job, identical for both.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PUBLISHER_TIME_HEADER } from '../shared/feed.ts';

/**
 * `clockOffsetMs`: kiosk clock minus publisher clock, from the publisher's time header and the
 * midpoint of the request; null when not measured (no header, or a folder feed: a file's mtime
 * is the writer's clock, or the share server's, and says nothing reliable about the publisher).
 */
export type ManifestFetch =
  | { notModified: true; clockOffsetMs: number | null }
  | { notModified: false; bytes: Uint8Array; signature: string; etag: string | null; clockOffsetMs: number | null };

/** Kiosk clock minus publisher clock from one response (midpoint of request and response). */
export function clockOffset(res: Response, sentAt: number, receivedAt: number): number | null {
  const raw = res.headers.get(PUBLISHER_TIME_HEADER);
  if (raw === null || !/^\d{10,16}$/.test(raw.trim())) return null;
  return Math.round((sentAt + receivedAt) / 2 - Number(raw));
}

export interface FeedReader {
  /** Where the feed is, for messages. */
  readonly where: string;
  manifest(etag: string | null): Promise<ManifestFetch>;
  file(sha256: string): Promise<Uint8Array>;
}

/** Thrown for "could not get it" (as opposed to "got it and it is wrong"). */
export class FeedUnreachable extends Error {
  override name = 'FeedUnreachable';
}

/**
 * The largest manifest and attachment a kiosk reads, bytes. A feed (or anything between it and
 * the kiosk) that sends more is cut off at the limit, not buffered whole: an endless answer must
 * not take the lobby screen's memory. A 10,000-notice manifest is a few MB; the publisher takes
 * attachments of 25 MB by default.
 */
export const FEED_LIMITS = { manifestBytes: 64 * 1024 * 1024, fileBytes: 256 * 1024 * 1024 } as const;

/** The body of a response, at most `max` bytes: a declared or streamed body past it is refused. */
async function readCapped(res: Response, max: number): Promise<Uint8Array> {
  const tooLarge = (): FeedUnreachable => new FeedUnreachable(`${res.url}: odpověď je větší než ${Math.round(max / (1024 * 1024))} MB, čtení zastaveno`);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (res.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      size += r.value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(r.value);
    }
  } catch (e) {
    if (e instanceof FeedUnreachable) throw e;
    throw new FeedUnreachable(`${res.url}: ${(e as Error).message}`);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** `opts.token`: the kiosk's own token, sent as `Authorization: Bearer` on every request; `opts.now`: the kiosk's clock. */
export function httpFeedReader(baseUrl: string, fetchImpl: typeof fetch = fetch, opts: { now?: () => number; token?: string | null } = {}): FeedReader {
  const now = opts.now ?? Date.now;
  const token = opts.token ?? null;
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const get = async (path: string, headers: Record<string, string> = {}): Promise<Response> => {
    let res: Response;
    try {
      res = await fetchImpl(new URL(path, base), { headers: { ...headers, ...auth }, signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      throw new FeedUnreachable(`${new URL(path, base).href}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
    }
    return res;
  };
  return {
    where: base,
    async manifest(etag) {
      // Manifest and signature are two requests: a snapshot published between them would pair
      // a manifest with another snapshot's signature. The publisher tags both with the same
      // ETag, so a mismatch means "fetch again", not a forgery.
      for (let attempt = 1; ; attempt++) {
        const sentAt = now();
        const res = await get('manifest.json', etag ? { 'if-none-match': etag } : {});
        const clockOffsetMs = clockOffset(res, sentAt, now());
        if (res.status === 304) return { notModified: true, clockOffsetMs };
        if (!res.ok) throw new FeedUnreachable(`${res.url}: HTTP ${res.status}`);
        const bytes = await readCapped(res, FEED_LIMITS.manifestBytes);
        const sigRes = await get('manifest.json.sig', { 'cache-control': 'no-cache' });
        if (!sigRes.ok) throw new FeedUnreachable(`${sigRes.url}: HTTP ${sigRes.status}`);
        const signature = await sigRes.text();
        const [manifestTag, sigTag] = [res.headers.get('etag'), sigRes.headers.get('etag')];
        if (manifestTag !== null && sigTag !== null && manifestTag !== sigTag && attempt < 3) continue;
        return { notModified: false, bytes, signature, etag: manifestTag, clockOffsetMs };
      }
    },
    async file(sha256) {
      const res = await get(`files/${sha256}`);
      if (!res.ok) throw new FeedUnreachable(`${res.url}: HTTP ${res.status}`);
      return readCapped(res, FEED_LIMITS.fileBytes);
    },
  };
}

export function folderFeedReader(folder: string): FeedReader {
  const read = async (path: string): Promise<Buffer> => {
    try {
      return await readFile(join(folder, path));
    } catch (e) {
      throw new FeedUnreachable(`${join(folder, path)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  return {
    where: folder,
    async manifest() {
      // A folder has no ETags; the seq check makes re-reading an unchanged manifest harmless.
      const bytes = await read('manifest.json');
      const signature = (await read('manifest.json.sig')).toString('utf8');
      return { notModified: false, bytes: new Uint8Array(bytes), signature, etag: null, clockOffsetMs: null };
    },
    async file(sha256) {
      return new Uint8Array(await read(join('files', sha256)));
    },
  };
}

/**
 * Longest line and longest event data of the feed's server-sent events, characters. A ping is
 * a few hundred; a feed (or a proxy) that sends an endless line is cut off at the limit and the
 * connection dropped, instead of growing the kiosk's memory without bound.
 */
export const SSE_LIMITS = { lineChars: 64 * 1024, eventChars: 256 * 1024 } as const;

/** Thrown when the event stream breaks the limits above. */
export class EventStreamTooLong extends Error {
  override name = 'EventStreamTooLong';
}

/**
 * Reads a text/event-stream body and calls `onEvent(event, data)` for each complete event
 * (event "message" when unnamed). Returns when the stream ends; throws EventStreamTooLong when
 * a line or an event's data passes its limit (the caller drops the connection).
 */
export async function readServerSentEvents(
  body: AsyncIterable<Uint8Array>,
  onEvent: (event: string, data: string) => void,
  limits: { lineChars: number; eventChars: number } = SSE_LIMITS,
): Promise<void> {
  let buf = '';
  let event = 'message';
  let data = '';
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    buf += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      if (nl > limits.lineChars + 1) throw new EventStreamTooLong(`řádek událostí feedu je delší než ${limits.lineChars} znaků`);
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      if (line === '') {
        onEvent(event, data);
        event = 'message';
        data = '';
      } else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) {
        data += (data ? '\n' : '') + line.slice(5).trimStart();
        if (data.length > limits.eventChars) throw new EventStreamTooLong(`data události feedu jsou delší než ${limits.eventChars} znaků`);
      }
    }
    if (buf.length > limits.lineChars + 1) throw new EventStreamTooLong(`řádek událostí feedu je delší než ${limits.lineChars} znaků`);
  }
}
