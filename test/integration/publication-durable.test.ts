/**
 * Durable publication through the publisher's public surfaces (real SQLite files, loopback HTTP,
 * real folders, a real child process): the outbox, one board's broken mirror not holding back
 * another board, the admin status, retries after the fault is cleared, jobs surviving a kill,
 * shutdown waiting for a running deploy, the public-URL probe, and the signed daily digest.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { makeDocumentPdf } from '../../src-main/demo/pdf.ts';
import { serveFile } from '../../src-main/http/static.ts';
import { serveHandler } from '../../src-main/http/serve.ts';
import { verifyBytes } from '../../src-main/publication/signing.ts';
import type { DailyDigest } from '../../src-main/publication/digest.ts';
import { initData, type InitResult } from '../../src-main/publisher/init.ts';
import { mirrorPath, startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { AuditEvent, Board } from '../../src-main/shared/domain.ts';
import { failureSentence, type ChannelStatusView, type PublicationStatusResponse } from '../../src-main/shared/publication-status.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const LHOTA: Partial<Board> = { id: 'lhota', name: 'Obecní úřad Lhota', ico: '00012345', publicUrl: 'https://lhota.example/deska/' };
const ZHUREC: Board = { id: 'zhurec', name: 'Obecní úřad Zhůřec', ico: '00054321', timeZone: 'Europe/Prague', publicUrl: 'https://zhurec.example/deska/' };
const iso = (ms: number): string => new Date(ms).toISOString();

async function setup(dir: string, now = Date.now()): Promise<{ data: string; init: InitResult }> {
  const data = join(dir, 'data');
  const init = await initData({ dataDir: data, adminPassword: 'spravce-heslo', board: LHOTA, now });
  const store = Store.open(data, () => now);
  store.createBoard(ZHUREC, now);
  store.close();
  return { data, init };
}

async function api<T>(pub: RunningPublisher, token: string, method: string, path: string, body?: BodyInit): Promise<{ status: number; body: T }> {
  const res = await fetch(`${pub.url}/api/v1${path}`, { method, body, headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
}

/** Creates and publishes a notice through the API; returns its id and the two answers' statuses. */
async function postNotice(pub: RunningPublisher, token: string, boardId: string, title: string, postAt: number, removeAt: number | null): Promise<{ id: string; created: number; published: number }> {
  const form = new FormData();
  form.set('metadata', JSON.stringify({ title, description: 'Popis.', category: 'Oznámení', department: 'Obecní úřad', referenceNumber: '', fileMark: '', postAt: iso(postAt), removeAt: removeAt === null ? null : iso(removeAt) }));
  form.append('files', new Blob([Buffer.from(await makeDocumentPdf(title, ['Text oznámení.']))], { type: 'application/pdf' }), 'oznameni.pdf');
  const created = await api<{ id: string }>(pub, token, 'POST', `/boards/${boardId}/notices`, form);
  const published = await api(pub, token, 'POST', `/notices/${created.body.id}/publish`);
  return { id: created.body.id, created: created.status, published: published.status };
}

async function until<T>(what: string, probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) assert.fail(`never happened: ${what}`);
    await sleep(25);
  }
}

function channel(s: PublicationStatusResponse, board: string, kind: string): ChannelStatusView | undefined {
  return s.boards.find((b) => b.boardId === board)?.channels.find((c) => c.channel === kind);
}

function channelUpdates(store: Store, channelName: string): AuditEvent[] {
  return store.audit.list().filter((e) => e.action === 'channel-update' && e.detail.channel === channelName);
}

test('(a) a board whose mirror cannot be written: the API answers 201, the other board posts on time, status says why, the retry succeeds once fixed', async () => {
  using tmp = tempDir();
  const { data, init } = await setup(tmp.path);
  mkdirSync(join(data, 'mirror'), { recursive: true });
  const broken = mirrorPath(data, ZHUREC.id);
  writeFileSync(broken, 'a regular file where the mirror folder should be');
  const pub = await startPublisher({ dataDir: data, port: 0, sweep: false, retry: { baseMs: 200, maxMs: 400 } });
  try {
    const store = pub.ctx.store;
    const postAt = Date.now() + 3000;
    const onTime = await postNotice(pub, init.apiToken, 'lhota', 'Oznámení Lhoty', postAt, null);
    const blocked = await postNotice(pub, init.apiToken, ZHUREC.id, 'Oznámení Zhůřce', Date.now() - 1000, null);
    assert.deepEqual([onTime.created, onTime.published, blocked.created, blocked.published], [201, 200, 201, 200], 'kept changes are never reported as failures');

    // The healthy board posts at its instant on its mirror and its feed, while the other fails.
    const mirrorChannel = `mirror:${resolve(mirrorPath(data, 'lhota'))}`;
    const sighting = await until('the Lhota notice on its mirror', () => store.evidence.forNotice(onTime.id).find((s) => s.channel === mirrorChannel));
    assert.ok(Date.parse(sighting.firstShownAt) >= postAt, `mirror never early: ${sighting.firstShownAt} vs ${iso(postAt)}`);
    assert.ok(Date.parse(sighting.firstShownAt) <= postAt + 1000, `mirror within 1 s: ${sighting.firstShownAt} vs ${iso(postAt)}`);
    const feedPosted = await until('the Lhota notice posted on its feed', () => channelUpdates(store, 'feed:lhota').find((e) => (e.detail.posted as string[]).includes(onTime.id)));
    assert.ok(Date.parse(feedPosted.at) >= postAt && Date.parse(feedPosted.at) <= postAt + 1000, `feed at ${feedPosted.at} vs ${iso(postAt)}`);
    const page = await fetch(`${pub.url}/mirror/lhota/oznameni/${onTime.id}/`);
    assert.equal(page.status, 200);
    // The broken board's own feed is not held back by its mirror either.
    await until('the Zhůřec notice on its feed', () => channelUpdates(store, `feed:${ZHUREC.id}`).some((e) => (e.detail.posted as string[]).includes(blocked.id)));

    const failing = await until('the Zhůřec mirror reported failing', async () => {
      const s = (await api<PublicationStatusResponse>(pub, init.apiToken, 'GET', '/status/publication')).body;
      const c = channel(s, ZHUREC.id, 'mirror');
      return c?.state === 'failing' && (c.attempts ?? 0) >= 2 ? { s, c } : null;
    });
    assert.match(failing.c.lastError!, /není symlink|not a symlink/);
    assert.match(failing.c.lastError!, /zhurec/);
    assert.equal(failing.c.lastSuccessAt, null);
    assert.ok(failing.c.failingSince !== null && failing.c.nextAttemptAt !== null);
    assert.equal(channel(failing.s, 'lhota', 'mirror')?.state, 'ok');
    assert.match(failureSentence(failing.s.boards.find((b) => b.boardId === ZHUREC.id)!, failing.c), /^Webové zrcadlo desky Obecní úřad Zhůřec se neaktualizovalo ani jednou: Webové zrcadlo se nepodařilo zapsat: /);
    assert.deepEqual(store.evidence.forNotice(blocked.id), [], 'no mirror evidence for a mirror that was not written');

    // Fault cleared: the next retry (backoff ≤ 400 ms) publishes it.
    rmSync(broken);
    const ok = await until('the Zhůřec mirror recovered', async () => {
      const c = channel((await api<PublicationStatusResponse>(pub, init.apiToken, 'GET', '/status/publication')).body, ZHUREC.id, 'mirror');
      return c?.state === 'ok' ? c : null;
    });
    assert.equal(ok.lastError, null);
    assert.equal(ok.attempts, 0);
    assert.equal((await fetch(`${pub.url}/mirror/${ZHUREC.id}/oznameni/${blocked.id}/`)).status, 200);
    assert.deepEqual(store.evidence.forNotice(blocked.id).map((s) => s.channel), [`mirror:${resolve(broken)}`]);
    assert.deepEqual(store.audit.verify().problems, []);
  } finally {
    await pub.stop();
  }
});

test('(c) a publish job survives a kill between commit and publication and runs at the next start', async () => {
  using tmp = tempDir();
  const { data } = await setup(tmp.path);
  const src = (p: string): string => pathToFileURL(resolve(import.meta.dirname, '../../src-main', p)).href;
  // A real publisher process: its engine started, the change committed through engine.commit,
  // then SIGKILL before the worker's turn (the job runs on a later event-loop turn).
  const script = `
    import { readFileSync, writeFileSync } from 'node:fs';
    const { Store } = await import(${JSON.stringify(src('store/store.ts'))});
    const { PublicationEngine } = await import(${JSON.stringify(src('publication/engine.ts'))});
    const { systemClock } = await import(${JSON.stringify(src('schedule/clock.ts'))});
    const data = ${JSON.stringify(data)};
    const store = Store.open(data);
    const engine = new PublicationEngine({ store, clock: systemClock, privateKeyPem: readFileSync(data + '/keys/board.key', 'utf8'), mirrorDir: (b) => data + '/mirror/' + b, sweep: false });
    await engine.start();
    const board = store.board('lhota');
    const fields = { title: 'Přežije pád', description: 'Oznámení zapsané těsně před pádem.', category: 'Oznámení', department: 'OÚ', referenceNumber: '', fileMark: '', postAt: new Date(Date.now() - 60000).toISOString(), removeAt: null };
    const n = await engine.commit('lhota', () => store.notices.publish(store.notices.create(board, fields, [], 'test', Date.now()).id, 'test', Date.now()));
    writeFileSync(data + '/committed.txt', n.id);
    process.kill(process.pid, 'SIGKILL');
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.signal, 'SIGKILL', child.stderr);
  const id = readFileSync(join(data, 'committed.txt'), 'utf8');
  const before = Store.open(data);
  const latest = before.snapshots.latest('lhota');
  assert.ok(!latest || !latest.manifest.toString('utf8').includes(id), 'killed before publication');
  assert.equal((before.db.prepare("SELECT COUNT(*) AS n FROM publish_jobs WHERE board_id = 'lhota'").get() as { n: number }).n > 0, true, 'the job is in the outbox');
  before.close();

  const pub = await startPublisher({ dataDir: data, port: 0, sweep: false });
  try {
    const s = pub.ctx.store.snapshots.latest('lhota')!;
    assert.match(s.manifest.toString('utf8'), new RegExp(id), 'published by the time start() resolves');
    await until('on the mirror', async () => (await fetch(`${pub.url}/mirror/lhota/oznameni/${id}/`)).status === 200);
    await pub.engine.idle();
    assert.equal(pub.engine.status().boards.find((b) => b.boardId === 'lhota')!.pendingJobs, 0);
  } finally {
    await pub.stop();
  }
});

test('(d) shutdown waits for a running deploy; the deploy and the public-URL probe record where the notice was', async () => {
  using tmp = tempDir();
  const { data, init } = await setup(tmp.path);
  const www = join(tmp.path, 'www');
  mkdirSync(www);
  // The "public web server": plain files from the deploy target, on loopback.
  const web = await serveHandler(async (req) => (await serveFile(www, decodeURIComponent(new URL(req.url).pathname.slice(1)))) ?? new Response('Nenalezeno', { status: 404 }), { port: 0 });
  const publicUrl = `${web.origin}/`;
  // A port where nothing listens: a public URL the probe cannot reach.
  const gone = await serveHandler(() => new Response(''), { port: 0 });
  const unreachable = `${gone.origin}/`;
  await gone.close();
  writeFileSync(
    join(data, 'publication.json'),
    JSON.stringify({
      boards: {
        lhota: { deploy: { command: ['sh', '-c', 'sleep 1 && cp -R "$DESKA_MIRROR"/. "$1"/', 'deploy', www], target: www }, probe: publicUrl },
        zhurec: { probe: unreachable },
      },
    }),
  );
  let pub = await startPublisher({ dataDir: data, port: 0, sweep: false, retry: { baseMs: 200, maxMs: 400 } });
  let id = '';
  try {
    await pub.engine.idle();
    id = (await postNotice(pub, init.apiToken, 'lhota', 'Nasazené oznámení', Date.now() - 1000, null)).id;
    await until('the deploy running', () => pub.engine.status().boards.find((b) => b.boardId === 'lhota')!.channels.find((c) => c.channel === 'deploy' && c.running && c.deliveredSeq > 0));
    await pub.stop();
    // stop() returned only after the running deploy finished and was recorded.
    assert.ok(existsSync(join(www, 'oznameni', id, 'index.html')), 'deployed before stop() resolved');
    const after = Store.open(data);
    try {
      const deploy = after.evidence.forNotice(id).find((s) => s.channel === `deploy:${www}`);
      assert.ok(deploy, JSON.stringify(after.evidence.forNotice(id)));
    } finally {
      after.close();
    }

    // Restarted: the probe (after the deploy) fetches the live page and records what it reached.
    pub = await startPublisher({ dataDir: data, port: 0, sweep: false, retry: { baseMs: 200, maxMs: 400 } });
    const seen = await until('the probe saw the live page', () => pub.ctx.store.evidence.forNotice(id).find((s) => s.channel === `web:${publicUrl}`));
    assert.equal(seen.goneAt, null);
    // Where the probe could not reach the public URL, nothing is recorded and the status says why.
    const z = await postNotice(pub, init.apiToken, ZHUREC.id, 'Neověřené oznámení', Date.now() - 1000, null);
    const failing = await until('the unreachable probe failing', () => pub.engine.status().boards.find((b) => b.boardId === ZHUREC.id)!.channels.find((c) => c.channel === 'web' && c.state === 'failing'));
    assert.ok(failing.lastError!.startsWith(`Veřejná adresa ${unreachable} neodpověděla`), failing.lastError!);
    assert.deepEqual(pub.ctx.store.evidence.forNotice(z.id).filter((s) => s.channel.startsWith('web:')), []);
  } finally {
    await pub.stop();
    await web.close();
  }
});

test('the signed daily digest: written at start for the previous day, on the mirror, verifiable with the board key', async () => {
  using tmp = tempDir();
  const day = '2026-11-20';
  const clock = new ManualClock('2026-11-20T07:00:00.000Z');
  const { data, init } = await setup(tmp.path, clock.now());
  let pub = await startPublisher({ dataDir: data, port: 0, sweep: false, clock });
  const posted = await postNotice(pub, init.apiToken, 'lhota', 'Oznámení dne', Date.parse('2026-11-20T09:00:00.000Z'), null);
  await pub.engine.idle();
  clock.set('2026-11-20T09:00:00.000Z');
  await until('posted', () => pub.ctx.store.audit.list(posted.id).some((e) => e.action === 'posted'));
  await pub.engine.idle();
  await pub.stop();

  // After midnight (Prague): the start writes yesterday's digest and republishes the mirror with it.
  clock.set('2026-11-20T23:30:00.000Z');
  pub = await startPublisher({ dataDir: data, port: 0, sweep: false, clock });
  try {
    await pub.engine.idle();
    const json = await fetch(`${pub.url}/mirror/lhota/digest/${day}.json`);
    assert.equal(json.status, 200);
    const bytes = new Uint8Array(await json.arrayBuffer());
    const sig = await (await fetch(`${pub.url}/mirror/lhota/digest/${day}.json.sig`)).text();
    assert.equal(verifyBytes(bytes, sig, init.publicKey), true, 'signed with the board key');
    const tampered = Buffer.from(bytes);
    tampered[20]! ^= 1;
    assert.equal(verifyBytes(tampered, sig, init.publicKey), false);

    const digest = JSON.parse(Buffer.from(bytes).toString('utf8')) as DailyDigest;
    assert.equal(digest.date, day);
    assert.deepEqual([digest.from, digest.to], ['2026-11-19T23:00:00.000Z', '2026-11-20T23:00:00.000Z']);
    const events = pub.ctx.store.audit.list().filter((e) => e.at < digest.to);
    assert.deepEqual(digest.auditHead, { seq: events.at(-1)!.seq, hash: events.at(-1)!.hash, at: events.at(-1)!.at });
    const snaps = pub.ctx.store.snapshots.hashesBetween('lhota', digest.from, digest.to);
    assert.ok(snaps.length >= 2);
    assert.deepEqual(digest.snapshots, snaps);
    const notice = pub.ctx.store.notices.get(posted.id)!;
    assert.deepEqual(digest.posted.map((p) => [p.id, p.attachments.map((a) => a.sha256)]), [[posted.id, notice.attachments.map((a) => a.sha256)]]);
    // Linked from every page of the mirror, listed on digest/.
    const index = await (await fetch(`${pub.url}/mirror/lhota/`)).text();
    assert.match(index, /href="digest\/">Podepsané denní výpisy/);
    assert.match(await (await fetch(`${pub.url}/mirror/lhota/digest/`)).text(), new RegExp(`href="${day}\\.json"`));
  } finally {
    await pub.stop();
  }
});
