/**
 * The mirror's release for the next known instant, built ahead: at a posting or removal instant
 * only the symlink is swapped (by the channel's timer, before the instant's snapshot is even
 * signed), the evidence records that swap; a change before the instant discards it, and a change
 * committed but not yet signed at the instant keeps it from going live.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { makeDocumentPdf } from '../../src-main/demo/pdf.ts';
import { PublicationEngine } from '../../src-main/publication/engine.ts';
import { Outbox } from '../../src-main/publication/outbox.ts';
import { generateBoardKeys } from '../../src-main/publication/signing.ts';
import { readPrebuilt, type Prebuilt } from '../../src-main/mirror/publish.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { Board, Notice } from '../../src-main/shared/domain.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const BOARD: Board = { id: 'lhota', name: 'Obecní úřad Lhota', ico: '00012345', timeZone: 'Europe/Prague', publicUrl: 'https://lhota.example/deska/' };
const HOUR = 3_600_000;
const T0 = Date.parse('2026-05-04T08:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

async function harness(dir: string) {
  const store = Store.open(join(dir, 'data'), () => T0);
  store.createBoard(BOARD, T0);
  const pdf = { ...store.blobs.put(await makeDocumentPdf('Vyhláška', ['Text vyhlášky.']), 'application/pdf', T0), name: 'vyhlaska.pdf' };
  const clock = new ManualClock(T0);
  const mirror = join(dir, 'mirror');
  const logs: string[] = [];
  let snapshots = 0;
  const engine = new PublicationEngine({ store, clock, privateKeyPem: generateBoardKeys().privatePem, mirrorDir: () => mirror, sweep: false, onLog: (l) => logs.push(l) });
  engine.onSnapshot(() => snapshots++);
  const publish = (title: string, postAt: number, removeAt: number | null): Notice => {
    const n = store.notices.create(BOARD, { title, description: 'Popis.', category: 'Oznámení', department: 'OÚ', referenceNumber: '', fileMark: '', postAt: iso(postAt), removeAt: removeAt === null ? null : iso(removeAt) }, [pdf], 'jana', clock.now());
    return store.notices.publish(n.id, 'jana', clock.now());
  };
  return {
    store, clock, engine, mirror, logs, publish,
    get snapshots() {
      return snapshots;
    },
    async [Symbol.asyncDispose]() {
      await engine.stop();
      store.close();
    },
  };
}

/** Every file of a release (or the live mirror), with its text. */
async function siteText(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || e.parentPath.includes('pagefind')) continue;
    const file = join(e.parentPath, e.name);
    parts.push(`== ${relative(dir, file)}\n${e.name.endsWith('.pdf') ? '' : await readFile(file, 'utf8')}`);
  }
  return parts.join('\n');
}

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 5000; i++) {
    if (await cond()) return;
    await sleep(1);
  }
  assert.fail(`never happened: ${what}`);
}

const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

test('at a posting instant the release built ahead goes live by a symlink swap, and the evidence records that swap', async () => {
  using tmp = tempDir();
  await using h = await harness(tmp.path);
  const at = T0 + 2 * HOUR;
  const n = h.publish('Oznámení o uzavírce silnice', at, at + 10 * HOUR);
  await h.engine.start();
  await h.engine.idle();
  assert.doesNotMatch(await siteText(h.mirror), /uzavírce/);
  const ahead = (await readPrebuilt(h.mirror))!;
  assert.ok(ahead, 'a release is built ahead for the posting instant');
  assert.deepEqual([ahead.at, ahead.until, ahead.shown], [at, at + 10 * HOUR, [n.id]]);
  assert.match(await siteText(ahead.release), /uzavírce/, 'it shows the notice');
  assert.notEqual(await realpath(h.mirror), ahead.release, 'and is not live before the instant');

  h.clock.set(at - 1);
  for (let i = 0; i < 20; i++) await sleep(1);
  assert.notEqual(await realpath(h.mirror), ahead.release, 'not a millisecond early');

  const before = h.snapshots;
  h.clock.set(at);
  await until(async () => h.snapshots > before, 'the instant snapshot');
  await h.engine.idle();
  assert.equal(await realpath(h.mirror), ahead.release, 'the release built ahead is live: nothing was built at the instant');
  assert.match(await siteText(h.mirror), new RegExp(`== oznameni/${n.id}/index\\.html`));
  assert.deepEqual(h.store.evidence.forNotice(n.id).map((s) => [s.firstShownAt, s.goneAt]), [[iso(at), null]]);

  // The removal instant was built ahead in turn, and is live at its instant too.
  const removal = (await readPrebuilt(h.mirror))!;
  assert.deepEqual([removal.at, removal.shown], [at + 10 * HOUR, []]);
  const count = h.snapshots;
  h.clock.set(at + 10 * HOUR);
  await until(async () => h.snapshots > count, 'the removal snapshot');
  await h.engine.idle();
  assert.equal(await realpath(h.mirror), removal.release);
  assert.doesNotMatch(await siteText(h.mirror), /uzavírce/);
  assert.deepEqual(h.store.evidence.forNotice(n.id).map((s) => [s.firstShownAt, s.goneAt]), [[iso(at), iso(at + 10 * HOUR)]]);
  assert.deepEqual(h.logs.filter((l) => /mirror/.test(l)), []);
});

test('a withdrawal before the instant discards the release built ahead; the notice never reaches the mirror', async () => {
  using tmp = tempDir();
  await using h = await harness(tmp.path);
  const at = T0 + 2 * HOUR;
  const n = h.publish('Chybně zadané oznámení', at, null);
  h.publish('Jiné oznámení', T0 - HOUR, at + 5 * HOUR);
  await h.engine.start();
  await h.engine.idle();
  const first = (await readPrebuilt(h.mirror))!;
  assert.equal(first.at, at);
  assert.match(await siteText(first.release), /Chybně zadané/);

  h.clock.set(T0 + HOUR);
  h.store.notices.withdraw(n.id, 'chyba', 'vedouci', h.clock.now());
  await h.engine.changed(BOARD.id);
  assert.equal(await exists(first.release), false, 'the release built ahead is deleted');
  const next = (await readPrebuilt(h.mirror))!;
  assert.equal(next.at, at + 5 * HOUR, 'the next instant is now the other notice’s removal');
  for (const r of await readdir(`${h.mirror}.releases`)) assert.doesNotMatch(await siteText(join(`${h.mirror}.releases`, r)), /Chybně zadané/, r);

  h.clock.set(at);
  for (let i = 0; i < 50; i++) await sleep(1);
  await h.engine.idle();
  assert.doesNotMatch(await siteText(h.mirror), /Chybně zadané/);
  assert.deepEqual(h.store.evidence.forNotice(n.id), []);
});

test('a change committed but not yet signed at the instant keeps the release built ahead from going live', async () => {
  using tmp = tempDir();
  await using h = await harness(tmp.path);
  const at = T0 + 2 * HOUR;
  const n = h.publish('Oznámení staženo těsně před vyvěšením', at, null);
  // Another notice is posted at the same instant: the instant stays scheduled.
  h.publish('Zůstává', at, null);
  await h.engine.start();
  await h.engine.idle();
  const ahead: Prebuilt = (await readPrebuilt(h.mirror))!;
  assert.equal(ahead.at, at);

  // The withdrawal is committed with its publish job, but the snapshot worker has not run yet.
  h.clock.set(at - 1);
  h.store.transaction(() => {
    h.store.notices.withdraw(n.id, 'chyba', 'vedouci', h.clock.now());
    new Outbox(h.store.db).enqueue(BOARD.id, 'change', true, h.clock.now());
  });
  const before = h.snapshots;
  h.clock.set(at);
  let sawIt = false;
  for (let i = 0; i < 5000 && h.snapshots === before; i++) {
    if ((await realpath(h.mirror)) === ahead.release) sawIt = true;
    await sleep(1);
  }
  assert.ok(h.snapshots > before, 'the instant snapshot');
  await h.engine.idle();
  assert.equal(sawIt, false);
  assert.equal(await exists(ahead.release), false, 'never live, so deleted (a release once live is kept as the one before)');
  assert.doesNotMatch(await siteText(h.mirror), /staženo těsně/);
  assert.match(await siteText(h.mirror), /Zůstává/);
  assert.deepEqual(h.store.evidence.forNotice(n.id), []);
});
