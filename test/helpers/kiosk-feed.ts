/**
 * A real board feed for kiosk tests: signed manifests (signing.ts), real PDFs (pdf-lib), served
 * on loopback by a Hono app with ETags, server-sent pings and a reports endpoint, or written to
 * a folder in the same layout.
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeDocumentPdf, PAGE_BREAK } from '../../src-main/demo/pdf.ts';
import { generateBoardKeys, signBytes, type BoardKeys } from '../../src-main/publication/signing.ts';
import type { Board } from '../../src-main/shared/domain.ts';
import { FEED_FORMAT, PUBLISHER_TIME_HEADER, type FeedManifest, type FeedNotice, type KioskReport } from '../../src-main/shared/feed.ts';

export const BOARD: Board = {
  id: 'testov',
  name: 'Obecní úřad Testov',
  ico: '12345678',
  timeZone: 'Europe/Prague',
  publicUrl: 'https://deska.testov.example/',
};

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A real PDF with Czech text (DejaVu Sans embedded) and `pages` pages. */
export async function makePdf(title: string, pages = 2): Promise<Uint8Array> {
  const body: string[] = [];
  for (let i = 1; i <= pages; i++) {
    if (i > 1) body.push(PAGE_BREAK);
    body.push(`Strana ${i}: ${title}.`);
    for (let l = 1; l <= 12; l++) body.push(`Odstavec ${l}. Příliš žluťoučký kůň úpěl ďábelské ódy; úřad oznamuje, že písemnost je k nahlédnutí.`);
  }
  return makeDocumentPdf(title, body);
}

export interface NoticeSpec {
  id: string;
  title?: string;
  postAt: string;
  removeAt?: string | null;
  pdf?: Uint8Array;
}

export function feedNotice(spec: NoticeSpec): FeedNotice {
  return {
    id: spec.id,
    title: spec.title ?? `Oznámení ${spec.id}`,
    description: 'Popis oznámení pro test.',
    category: 'Veřejná vyhláška',
    department: 'Stavební úřad',
    referenceNumber: `MU-${spec.id}/2026`,
    fileMark: '',
    postAt: spec.postAt,
    removeAt: spec.removeAt ?? null,
    revision: 1,
    publishedAt: spec.postAt,
    attachments: spec.pdf ? [{ sha256: sha256(spec.pdf), name: `${spec.id}.pdf`, size: spec.pdf.length, mediaType: 'application/pdf' }] : [],
  };
}

/** One signed snapshot: manifest bytes, signature, files by hash. */
export interface Snapshot {
  manifest: FeedManifest;
  bytes: Uint8Array;
  signature: string;
  files: Map<string, Uint8Array>;
}

export function makeSnapshot(
  keys: BoardKeys,
  seq: number,
  notices: NoticeSpec[],
  board: Board = BOARD,
  createdAt = '2026-11-21T08:00:00.000Z',
  // Far ahead by default, so tests that run on the real clock never see a stale snapshot by accident.
  validUntil = '2100-01-01T00:00:00.000Z',
): Snapshot {
  const manifest: FeedManifest = {
    format: FEED_FORMAT,
    board,
    snapshot: { seq, createdAt, horizonUntil: '2027-01-01T00:00:00.000Z', validUntil },
    notices: notices.map(feedNotice),
  };
  const bytes = new TextEncoder().encode(JSON.stringify(manifest, null, 2));
  const files = new Map<string, Uint8Array>();
  for (const n of notices) if (n.pdf) files.set(sha256(n.pdf), n.pdf);
  return { manifest, bytes, signature: signBytes(bytes, keys.privatePem), files };
}

export interface FeedServer {
  url: string;
  keys: BoardKeys;
  /** What the server serves now (tests may tamper with it). */
  current: Snapshot;
  files: Map<string, Uint8Array>;
  reports: { auth: string | null; body: KioskReport }[];
  publish(s: Snapshot): void;
  /** Sends an SSE "snapshot" ping to every connected kiosk. */
  ping(seq?: number): void;
  connections(): number;
  /** Requests for files/{sha} so far, by hash. */
  fileRequests: string[];
  /**
   * Makes files/{sha} send its first half and then wait until `release()` (a slow download,
   * e.g. to kill a kiosk in the middle of it). `started` resolves once the half is sent.
   */
  stall(sha: string): { started: Promise<void>; release(): void };
  /** When set, report POSTs answer this status (e.g. 503 to test retries). */
  reportStatus: number | null;
  close(): Promise<void>;
}

export interface FeedServerOptions {
  /** The publisher's clock for the X-Deska-Now header (default: the real clock). */
  now?: () => number;
}

export async function startFeedServer(keys: BoardKeys, first: Snapshot, board = BOARD.id, opts: FeedServerOptions = {}): Promise<FeedServer> {
  const now = opts.now ?? Date.now;
  const stalls = new Map<string, { started: () => void; gate: Promise<void> }>();
  const fileRequests: string[] = [];
  let reportStatus: number | null = null;
  const listeners = new Set<(data: string) => void>();
  const state = {
    current: first,
    files: new Map(first.files),
    reports: [] as FeedServer['reports'],
  };
  const app = new Hono();
  const base = `/feed/${board}/`;
  app.get(`${base}manifest.json`, (c) => {
    const etag = `"${sha256(state.current.bytes).slice(0, 16)}"`;
    const time = { [PUBLISHER_TIME_HEADER]: String(now()) };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag, ...time });
    return c.body(new Uint8Array(state.current.bytes), 200, { 'content-type': 'application/json', etag, ...time });
  });
  app.get(`${base}manifest.json.sig`, (c) => c.text(state.current.signature, 200, { [PUBLISHER_TIME_HEADER]: String(now()) }));
  app.get(`${base}files/:sha`, (c) => {
    const sha = c.req.param('sha');
    fileRequests.push(sha);
    const f = state.files.get(sha);
    if (!f) return c.text('no', 404);
    const stall = stalls.get(sha);
    if (!stall) return c.body(new Uint8Array(f), 200, { 'content-type': 'application/pdf' });
    const half = Math.floor(f.length / 2);
    const body = new ReadableStream<Uint8Array>({
      async start(ctrl) {
        ctrl.enqueue(f.slice(0, half));
        stall.started();
        await stall.gate;
        ctrl.enqueue(f.slice(half));
        ctrl.close();
      },
    });
    return new Response(body, { headers: { 'content-type': 'application/pdf', 'content-length': String(f.length) } });
  });
  app.post(`${base}reports`, async (c) => {
    const body = (await c.req.json()) as KioskReport;
    if (reportStatus !== null) return c.body(null, reportStatus as 503);
    state.reports.push({ auth: c.req.header('authorization') ?? null, body });
    return c.body(null, 204);
  });
  app.get(`${base}events`, (c) =>
    streamSSE(c, async (stream) => {
      const queue: string[] = [];
      let wake: (() => void) | null = null;
      const fn = (d: string): void => {
        queue.push(d);
        wake?.();
      };
      listeners.add(fn);
      stream.onAbort(() => {
        listeners.delete(fn);
        wake?.();
      });
      await stream.write(': hello\n\n');
      while (!stream.aborted) {
        const d = queue.shift();
        if (d !== undefined) await stream.writeSSE({ event: 'snapshot', data: d });
        else await new Promise<void>((r) => (wake = r));
      }
      listeners.delete(fn);
    }),
  );
  const { server, port } = await new Promise<{ server: ServerType; port: number }>((res) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => res({ server: s, port: info.port }));
  });
  const fs: FeedServer = {
    url: `http://127.0.0.1:${port}${base}`,
    keys,
    get current() {
      return state.current;
    },
    set current(s: Snapshot) {
      state.current = s;
    },
    files: state.files,
    reports: state.reports,
    publish(s) {
      for (const [k, v] of s.files) state.files.set(k, v);
      state.current = s;
    },
    ping(seq) {
      for (const l of listeners) l(JSON.stringify({ board, seq: seq ?? state.current.manifest.snapshot.seq }));
    },
    connections: () => listeners.size,
    fileRequests,
    stall(sha) {
      let started!: () => void;
      let release!: () => void;
      const startedP = new Promise<void>((r) => (started = r));
      const gate = new Promise<void>((r) => (release = r));
      stalls.set(sha, { started, gate });
      return {
        started: startedP,
        release: () => {
          stalls.delete(sha);
          release();
        },
      };
    },
    get reportStatus() {
      return reportStatus;
    },
    set reportStatus(v: number | null) {
      reportStatus = v;
    },
    close: () =>
      new Promise<void>((r) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => r());
      }),
  };
  return fs;
}

/** Writes a snapshot into a folder in the feed layout (files first, signature last). */
export function writeFolderFeed(dir: string, s: Snapshot): void {
  mkdirSync(join(dir, 'files'), { recursive: true });
  for (const [sha, b] of s.files) writeFileSync(join(dir, 'files', sha), b);
  const put = (name: string, data: Uint8Array | string): void => {
    writeFileSync(join(dir, `.${name}.tmp`), data);
    renameSync(join(dir, `.${name}.tmp`), join(dir, name));
  };
  put('manifest.json', s.bytes);
  put('manifest.json.sig', s.signature);
}

/** Writes a kiosk profile JSON into `dir` and returns its path. */
export function writeProfile(dir: string, fields: Record<string, unknown>, name = 'kiosk.json'): string {
  const profile = {
    kioskId: 'test-kiosk',
    board: BOARD.id,
    orientation: 'landscape',
    languages: ['cs'],
    idleTimeoutSeconds: 60,
    screenSchedule: null,
    accessibility: { reachMode: false, fontScale: 1, highContrast: false },
    ...fields,
  };
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(profile, null, 2));
  return path;
}

/** Polls `check` until it returns true (behaviour, not timing: the limit is generous). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, limitMs = 15_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export { generateBoardKeys };
