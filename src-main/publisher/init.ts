/**
 * `deska init`: a new data folder with its store, the board's signing key, an admin, an admin API
 * token, and one kiosk token per kiosk named (each reads only this board's feed and reports only
 * as its own kiosk). The secrets are returned once; the store keeps only their hashes.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Board } from '../shared/domain.ts';
import { Store } from '../store/store.ts';
import { generateBoardKeys } from '../publication/signing.ts';
import { demoNotices } from '../demo/notices.ts';
import { makeDocumentPdf } from '../demo/pdf.ts';
import { keyPaths } from './server.ts';
import { isPublicBase, normalizePublicUrl } from '../mirror/settings.ts';

export interface InitOptions {
  dataDir: string;
  board?: Partial<Board>;
  demo?: boolean;
  /** Admin password; random when not given (printed once). */
  adminPassword?: string;
  /** Kiosk ids to create a kiosk token for, one each. */
  kioskIds?: string[];
  now?: number;
}

export interface InitResult {
  board: Board;
  adminUser: string;
  adminPassword: string;
  /** An admin API token ("správa"). */
  apiToken: string;
  /** Kiosk id → its kiosk token, for each of `kioskIds`. */
  kioskTokens: Record<string, string>;
  publicKey: string;
}

export const DEMO_BOARD: Board = {
  id: 'demo',
  name: 'Obecní úřad Horní Lhota',
  ico: '00012345',
  timeZone: 'Europe/Prague',
  // Not set: the mirror links relatively and writes nothing that needs absolute addresses until
  // one is given (init --public-url, DATA/mirror.json); scripts/demo.ts sets the demo's own.
  publicUrl: '',
};

export async function initData(o: InitOptions): Promise<InitResult> {
  const now = o.now ?? Date.now();
  if (existsSync(o.dataDir) && readdirSync(o.dataDir).length > 0) {
    throw new Error(`${o.dataDir} is not empty; Deska will not overwrite existing data. Choose a new folder.`);
  }
  const board: Board = { ...DEMO_BOARD, ...o.board };
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(board.id)) throw new Error(`board id "${board.id}" must be lowercase letters, digits and dashes`);
  if (!/^\d{8}$/.test(board.ico)) throw new Error(`IČO "${board.ico}" must be 8 digits`);
  if (board.publicUrl !== '' && !isPublicBase(board.publicUrl)) throw new Error(`public URL "${board.publicUrl}" must be an http(s):// address without query or fragment, e.g. https://deska.obec.cz/`);
  board.publicUrl = normalizePublicUrl(board.publicUrl);
  const kioskIds = [...new Set(o.kioskIds ?? [])];
  for (const k of kioskIds) if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(k)) throw new Error(`kiosk id "${k}" must be lowercase letters, digits and dashes`);
  const store = Store.open(o.dataDir, () => now);
  try {
    const keys = generateBoardKeys();
    const paths = keyPaths(o.dataDir);
    mkdirSync(dirname(paths.privateKey), { recursive: true });
    writeFileSync(paths.privateKey, keys.privatePem, { mode: 0o600 });
    chmodSync(paths.privateKey, 0o600);
    writeFileSync(paths.publicKey, keys.publicKey + '\n');

    const adminPassword = o.adminPassword ?? randomBytes(12).toString('base64url');
    store.createBoard(board, now);
    const admin = store.users.create('admin', 'Správce desky', adminPassword, 'admin', now);
    const api = store.users.createToken({ name: 'správa', kind: 'admin', userId: admin.id }, now);
    const kioskTokens: Record<string, string> = {};
    const created = [{ id: api.id, name: 'správa', kind: 'admin' }];
    for (const kioskId of kioskIds) {
      const t = store.users.createToken({ name: `kiosk ${kioskId}`, kind: 'kiosk', userId: admin.id, boardId: board.id, kioskId }, now);
      kioskTokens[kioskId] = t.token;
      created.push({ id: t.id, name: t.info.name, kind: 'kiosk' });
    }
    store.audit.append({ at: now, actor: 'system:init', action: 'token-created', detail: { tokens: created } });

    if (o.demo) await addDemoNotices(store, board, now);
    return { board, adminUser: 'admin', adminPassword, apiToken: api.token, kioskTokens, publicKey: keys.publicKey };
  } finally {
    store.close();
  }
}

/** Demo notices, created and published by a clerk an hour before each posting instant. */
async function addDemoNotices(store: Store, board: Board, now: number): Promise<void> {
  const clerk = store.users.create('referentka', 'Jana Nováková', 'referentka-demo', 'clerk', now);
  const list = demoNotices(now).sort((a, b) => Date.parse(a.fields.postAt!) - Date.parse(b.fields.postAt!));
  for (const d of list) {
    const at = Math.min(now, Date.parse(d.fields.postAt!) - 3_600_000);
    const pdf = await makeDocumentPdf(d.document.heading, d.document.paragraphs, { author: board.name });
    const blob = store.blobs.put(pdf, 'application/pdf', at);
    const n = store.notices.create(board, d.fields, [{ ...blob, name: d.document.file }], clerk.username, at);
    store.notices.publish(n.id, clerk.username, at);
  }
}
