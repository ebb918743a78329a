/**
 * PUT /api/v1/boards/{board}/inbox/{externalId} over real loopback HTTP: idempotent by the
 * document id, integration tokens only for their boards, the schema's problems named, bodies
 * limited while they stream. Responses are checked against the OpenAPI document.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { initData } from '../../src-main/publisher/init.ts';
import { startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { Store } from '../../src-main/store/store.ts';
import { checkResponse } from '../helpers/openapi.ts';
import { metadata, pdf } from '../helpers/inbox-packages.ts';
import { tempDir } from '../helpers/tmp.ts';

const TEMPLATE = '/boards/{board}/inbox/{externalId}';
const tmp = tempDir();
let pub: RunningPublisher;
let admin: string;
let lhota: string;
let other: string;
let onePdf: Uint8Array;

before(async () => {
  const clock = new ManualClock('2026-11-21T08:00:00.000Z');
  const init = await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo', now: clock.now() });
  admin = init.apiToken;
  const store = Store.open(tmp.path, () => clock.now());
  store.createBoard({ id: 'zhurec', name: 'Obec Zhůřec', ico: '00012345', timeZone: 'Europe/Prague', publicUrl: 'https://zhurec.example/' }, clock.now());
  const userId = store.db.prepare("SELECT id FROM users WHERE role = 'admin'").pluck().get() as string;
  lhota = store.users.createToken({ name: 'ginis', kind: 'integration', userId, boards: ['demo'] }, clock.now()).token;
  other = store.users.createToken({ name: 'jiny', kind: 'integration', userId, boards: ['zhurec'] }, clock.now()).token;
  store.close();
  pub = await startPublisher({ dataDir: tmp.path, clock, sweep: false, maxUploadBytes: 200 * 1024, inbox: { watch: false } });
  onePdf = await pdf('Vyhlaska');
});
after(async () => {
  await pub.stop();
  tmp[Symbol.dispose]();
});

function form(meta: unknown, files: Record<string, Uint8Array>): FormData {
  const f = new FormData();
  f.append('metadata', new Blob([JSON.stringify(meta)], { type: 'application/json' }));
  for (const [name, bytes] of Object.entries(files)) f.append('files', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), name);
  return f;
}

async function put(board: string, id: string, token: string | null, body: FormData): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${pub.url}/api/v1/boards/${board}/inbox/${encodeURIComponent(id)}`, {
    method: 'PUT',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body,
  });
  const json = (await res.json()) as Record<string, unknown>;
  checkResponse('PUT', TEMPLATE, res.status, res.headers.get('content-type'), json);
  return { status: res.status, body: json };
}

const message = (r: { body: Record<string, unknown> }): string => (r.body.error as { message: string }).message;

test('the first PUT makes a draft (201), the same PUT again answers 200 with the same notice, other content 409', async () => {
  const meta = metadata('H-1');
  delete (meta.source as Record<string, unknown>).documentId; // taken from the path
  const first = await put('demo', 'H-1', lhota, form(meta, { 'dokument.pdf': onePdf }));
  assert.equal(first.status, 201);
  assert.equal(first.body.result, 'created');
  assert.equal(first.body.externalKey, 'id:H-1');
  const notice = first.body.notice as { id: string; state: string; title: string; attachments: unknown[] };
  assert.equal(notice.state, 'draft');
  assert.equal(notice.attachments.length, 1);
  const again = await put('demo', 'H-1', lhota, form(meta, { 'dokument.pdf': onePdf }));
  assert.equal(again.status, 200);
  assert.equal(again.body.result, 'existing');
  assert.equal((again.body.notice as { id: string }).id, notice.id);
  const changed = await put('demo', 'H-1', lhota, form({ ...meta, title: 'Jiný název' }, { 'dokument.pdf': onePdf }));
  assert.equal(changed.status, 409);
  assert.match(message(changed), new RegExp(`oznámení ${notice.id} s jiným obsahem`));
  assert.equal(pub.ctx.store.db.prepare("SELECT COUNT(*) FROM inbox_items WHERE external_key = 'id:H-1'").pluck().get(), 1);
  const events = pub.ctx.store.audit.list(notice.id);
  assert.match(events[0]!.actor, /^inbox:ginis\/token:ginis#/);
});

test('an integration token pushes only to its boards; without a token nothing; an unknown board 404', async () => {
  assert.equal((await put('demo', 'H-2', other, form(metadata('H-2'), { 'dokument.pdf': onePdf }))).status, 403);
  assert.equal((await put('zhurec', 'H-2', other, form(metadata('H-2'), { 'dokument.pdf': onePdf }))).status, 201);
  assert.equal((await put('demo', 'H-2', null, form(metadata('H-2'), { 'dokument.pdf': onePdf }))).status, 401);
  assert.equal((await put('nikde', 'H-2', admin, form(metadata('H-2'), { 'dokument.pdf': onePdf }))).status, 404);
});

test('problems are named: field, problem, expected; a PDF that is not one, a missing file, an id that differs', async () => {
  const bad = await put('demo', 'H-3', lhota, form(metadata('H-3', { postAt: '2026-12-01 08:00' }), { 'dokument.pdf': onePdf }));
  assert.equal(bad.status, 422);
  assert.match(message(bad), /metadata \/postAt: .*nemá povolený tvar \(očekáváno: datum a čas ISO 8601 s časovou zónou/);
  const missing = await put('demo', 'H-4', lhota, form(metadata('H-4'), {}));
  assert.equal(missing.status, 422);
  assert.match(message(missing), /soubor „dokument\.pdf“ v balíčku chybí/);
  const notPdf = await put('demo', 'H-5', lhota, form(metadata('H-5'), { 'dokument.pdf': Buffer.from('ahoj') }));
  assert.equal(notPdf.status, 415);
  const mismatch = await put('demo', 'H-6', lhota, form(metadata('H-7'), { 'dokument.pdf': onePdf }));
  assert.equal(mismatch.status, 422);
  assert.match(message(mismatch), /se liší od identifikátoru v adrese/);
  const noMeta = new FormData();
  noMeta.append('files', new Blob([new Uint8Array(onePdf)]), 'dokument.pdf');
  assert.equal((await put('demo', 'H-8', lhota, noMeta)).status, 400);
});

test('the body is limited while it streams', async () => {
  const big = await put('demo', 'H-9', lhota, form(metadata('H-9'), { 'dokument.pdf': new Uint8Array(300 * 1024) }));
  assert.equal(big.status, 413);
  assert.equal(pub.ctx.store.db.prepare("SELECT COUNT(*) FROM inbox_items WHERE external_key = 'id:H-9'").pluck().get(), 0);
});
