/**
 * One real board for end-to-end tests: a publisher on loopback with a fresh data folder,
 * a kiosk (headless shell: the same handler Electron serves) synced from its feed, and Chromium.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { initData, type InitResult } from '../../src-main/publisher/init.ts';
import { startPublisher, type PublisherOptions, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { startKiosk, type RunningKiosk } from '../../src-main/kiosk/run.ts';

export const ADMIN_PASSWORD = 'e2e-heslo-123';

export interface Board {
  dir: string;
  init: InitResult;
  publisher: RunningPublisher;
}

export async function startBoard(dir: string, opts: Partial<Omit<PublisherOptions, 'dataDir'>> = {}): Promise<Board> {
  const data = join(dir, 'data');
  const init = await initData({ dataDir: data, adminPassword: ADMIN_PASSWORD, board: { publicUrl: 'https://deska.example.cz/' } });
  const publisher = await startPublisher({ dataDir: data, port: 0, ...opts });
  return { dir, init, publisher };
}

/** A new kiosk token of this board for `kioskId` (what `deska init --kiosk` and the clerk app make). */
export function kioskToken(board: Board, kioskId: string): string {
  const { store } = board.publisher.ctx;
  const admin = store.users.tokens().find((t) => t.kind === 'admin')!;
  const adminId = store.db.prepare('SELECT user_id FROM api_tokens WHERE id = ?').pluck().get(admin.id) as string;
  return store.users.createToken({ name: `kiosk ${kioskId}`, kind: 'kiosk', userId: adminId, boardId: board.init.board.id, kioskId }, Date.now()).token;
}

/** A kiosk profile for this board, fed over HTTP (default) or from the publisher's feed folder, with its own kiosk token. */
export function writeProfile(board: Board, kioskId: string, feed: 'http' | 'folder' = 'http'): string {
  const file = join(board.dir, `${kioskId}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      kioskId,
      board: board.init.board.id,
      feed: feed === 'http' ? { url: `${board.publisher.url}/feed/${board.init.board.id}/` } : { folder: join(board.dir, 'data', 'feed', board.init.board.id) },
      publicKey: board.init.publicKey,
      token: kioskToken(board, kioskId),
      dataDir: join(board.dir, `kiosk-${kioskId}`),
      orientation: 'landscape',
      languages: ['cs'],
      idleTimeoutSeconds: 120,
      screenSchedule: null,
      accessibility: { reachMode: false, fontScale: 1, highContrast: false },
      pollSeconds: 30,
    }),
  );
  return file;
}

export function startBoardKiosk(profile: string): Promise<RunningKiosk> {
  return startKiosk({ profilePath: profile, shell: 'headless', port: 0 });
}

/**
 * Checks every 50 ms until `until` (or until it has come and gone). Returns, for the first
 * check that saw it present and the first that saw it gone again, the instant that check
 * finished: a sighting proves presence no later than that, so `appeared` is an upper bound
 * for lateness, and `appeared < postAt` would prove it was shown early.
 */
export async function watchPresence(check: () => Promise<boolean>, until: number): Promise<{ appeared: number | null; disappeared: number | null }> {
  let appeared: number | null = null;
  let disappeared: number | null = null;
  while (Date.now() < until && disappeared === null) {
    const present = await check();
    const at = Date.now();
    if (present && appeared === null) appeared = at;
    if (!present && appeared !== null) disappeared = at;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { appeared, disappeared };
}

export async function kioskShows(page: Page, noticeId: string): Promise<boolean> {
  return (await page.locator(`[data-testid="notice-item"][data-notice-id="${noticeId}"]`).count()) > 0;
}

export async function apiJson<T>(board: Board, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${board.publisher.url}/api/v1${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${board.init.apiToken}`, ...(init.headers ?? {}) },
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
