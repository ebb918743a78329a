/**
 * The mirror's fast path through the publisher, attacked as a tired operator would: changes
 * committed one right after another (a patch while the build settling the previous one runs),
 * the clock set back between two deliveries, a removal instant right after a patch. Each time the
 * live mirror ends equal to a full build at the instant, the evidence says when each notice went,
 * never before it went, and nothing is logged as failed.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, realpath, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { makeDocumentPdf } from '../../src-main/demo/pdf.ts';
import { renderMirror } from '../../src-main/mirror/build.ts';
import { PublicationEngine } from '../../src-main/publication/engine.ts';
import { generateBoardKeys } from '../../src-main/publication/signing.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { Board, Notice } from '../../src-main/shared/domain.ts';
import type { FeedManifest } from '../../src-main/shared/feed.ts';
import { Store } from '../../src-main/store/store.ts';
import { isList, listed } from '../helpers/mirror-patch.ts';
import { tempDir } from '../helpers/tmp.ts';

const BOARD: Board = { id: 'lhota', name: 'Obecní úřad Lhota', ico: '00012345', timeZone: 'Europe/Prague', publicUrl: 'https://lhota.example/deska/' };
const HOUR = 3_600_000;
const T0 = Date.parse('2026-05-04T08:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const SETTINGS = { pageSize: 4 };

/** Every file of a folder but the search index, by path. */
async function files(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const file = join(e.parentPath, e.name);
    const p = relative(dir, file);
    // (The daily digests are the engine's, not the snapshot's: left out.)
    if (!p.startsWith('pagefind/') && !/^([a-z]{2}\/)?digest\//.test(p)) out.set(p, await readFile(file));
  }
  return out;
}

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 5000; i++) {
    if (await cond()) return;
    await sleep(1);
  }
  assert.fail(`never happened: ${what}`);
}

async function harness(dir: string) {
  const store = Store.open(join(dir, 'data'), () => T0);
  store.createBoard(BOARD, T0);
  const pdf = { ...store.blobs.put(await makeDocumentPdf('Vyhláška', ['Text vyhlášky.']), 'application/pdf', T0), name: 'vyhlaska.pdf' };
  const clock = new ManualClock(T0);
  const mirror = join(dir, 'mirror');
  const logs: string[] = [];
  const counter = { snapshots: 0 };
  const engine = new PublicationEngine({ store, clock, privateKeyPem: generateBoardKeys().privatePem, mirrorDir: () => mirror, mirrorSettings: () => SETTINGS, sweep: false, onLog: (l) => logs.push(l) });
  engine.onSnapshot(() => counter.snapshots++);
  const publish = (title: string, category: string, postAt: number, removeAt: number | null): Notice => {
    const n = store.notices.create(BOARD, { title, description: 'Popis.', category, department: 'OÚ', referenceNumber: '', fileMark: '', postAt: iso(postAt), removeAt: removeAt === null ? null : iso(removeAt) }, [pdf], 'jana', clock.now());
    return store.notices.publish(n.id, 'jana', clock.now());
  };
  const goneAt = (n: Notice): string | null | undefined => store.evidence.forNotice(n.id).at(-1)?.goneAt;
  /**
   * The live mirror equals a full build of the newest snapshot at `at`: its files byte for byte,
   * its lists the same notices in the same order (a build pages them where the live release's
   * pages begin; list pages past a list's end kept from before aside).
   */
  const likeFullBuild = async (at: number): Promise<void> => {
    const seq = store.snapshots.latestSeq(BOARD.id);
    const manifest = JSON.parse(Buffer.from(store.snapshots.get(BOARD.id, seq)!.manifest).toString('utf8')) as FeedManifest;
    const full = join(dir, `full-${seq}-${at}`);
    await renderMirror({ manifest, at, settings: SETTINGS, readAttachment: async (sha) => store.blobs.read(sha) }, full, { search: false });
    const want = await files(full);
    const live = await files(mirror);
    for (const [p, bytes] of want) if (!isList(p)) assert.ok(live.get(p)?.equals(bytes), `${p} differs from a full build at ${iso(at)}`);
    for (const p of live.keys()) assert.ok(want.has(p) || /strana\/\d+\/index\.html$/.test(p), `${p} is not in a full build`);
    assert.deepEqual(listed(live), listed(want), `the lists of a full build at ${iso(at)}`);
  };
  const notices = Array.from({ length: 18 }, (_, i) => publish(`Oznámení číslo ${i}`, i % 2 === 0 ? 'Stavební řízení' : 'Rozpočet', T0 - (i + 1) * HOUR, T0 + (30 + i) * HOUR));
  return { store, clock, mirror, logs, counter, engine, publish, goneAt, likeFullBuild, notices };
}

test('changes one right after another, the clock set back, a removal instant right after a patch: the mirror ends as a full build, the evidence as it happened', async () => {
  using tmp = tempDir();
  const { store, clock, mirror, logs, counter, engine, publish, goneAt, likeFullBuild, notices } = await harness(tmp.path);
  try {
    const soon = publish('Oznámení, které brzy zmizí', 'Rozpočet', T0 - HOUR, T0 + 2 * HOUR + 1000);
    const later = publish('Oznámení, které zmizí později', 'Stavební řízení', T0 - HOUR, T0 + 3 * HOUR + 500);
    await engine.start();
    await engine.idle();

    // Two withdrawals, the second committed as soon as the first is live (its settling build then runs).
    clock.set(T0 + HOUR);
    const [a, b, c] = [notices[3]!, notices[8]!, notices[11]!];
    void engine.commit(BOARD.id, () => store.notices.withdraw(a.id, 'chyba', 'vedouci', clock.now()));
    await until(() => goneAt(a) !== null && goneAt(a) !== undefined, 'the first withdrawal is live');
    assert.ok((await readdir(`${mirror}.builds`)).some((f) => f.endsWith('.dirty')), 'it was patched in place');
    void engine.commit(BOARD.id, () => store.notices.withdraw(b.id, 'chyba', 'vedouci', clock.now()));
    void engine.commit(BOARD.id, () => store.notices.update(c.id, { removeAt: iso(T0 + 400 * HOUR) }, [], [], 'jana', clock.now()));
    await engine.idle();
    assert.deepEqual([goneAt(a), goneAt(b)], [iso(T0 + HOUR), iso(T0 + HOUR)]);
    await likeFullBuild(T0 + HOUR);

    // The clock set back half an hour (an operator's mistake), then a withdrawal.
    clock.set(T0 + HOUR / 2);
    const d = notices[14]!;
    await engine.commit(BOARD.id, () => store.notices.withdraw(d.id, 'chyba', 'vedouci', clock.now()));
    await engine.idle();
    // Snapshots never go back in time: the mirror shows the snapshot's instant, and says so.
    const at = Date.parse(store.snapshots.latestHead(BOARD.id)!.createdAt);
    assert.ok(at >= T0 + HOUR);
    assert.equal(goneAt(d), iso(at));
    await likeFullBuild(at);

    // A withdrawal a second before a removal instant; then the instant.
    clock.set(T0 + 2 * HOUR);
    const e = notices[5]!;
    await engine.commit(BOARD.id, () => store.notices.withdraw(e.id, 'chyba', 'vedouci', clock.now()));
    await engine.idle();
    assert.equal(goneAt(soon), null, 'not removed before its instant');
    await likeFullBuild(T0 + 2 * HOUR);
    const before = counter.snapshots;
    clock.set(T0 + 2 * HOUR + 1000);
    await until(() => counter.snapshots > before, 'the instant snapshot');
    await engine.idle();
    assert.equal(goneAt(soon), iso(T0 + 2 * HOUR + 1000));
    await likeFullBuild(T0 + 2 * HOUR + 1000);

    // A withdrawal, and the removal instant half a second later while the build settling its patch runs.
    clock.set(T0 + 3 * HOUR);
    const f = notices[13]!;
    await engine.commit(BOARD.id, () => store.notices.withdraw(f.id, 'chyba', 'vedouci', clock.now()));
    await until(() => typeof goneAt(f) === 'string', 'the withdrawal is live');
    const before2 = counter.snapshots;
    clock.set(T0 + 3 * HOUR + 500);
    await until(() => counter.snapshots > before2, 'the instant snapshot');
    await engine.idle();
    assert.equal(goneAt(f), iso(T0 + 3 * HOUR));
    assert.equal(goneAt(later), iso(T0 + 3 * HOUR + 500));
    await likeFullBuild(T0 + 3 * HOUR + 500);
    assert.deepEqual(logs.filter((l) => /failed|not settled|not swapped|not built ahead/.test(l)), []);
  } finally {
    await engine.stop();
    store.close();
  }
});

test('a patch that cannot write one of its files (a list page’s file made a folder: as EACCES or ENOSPC half-way) is logged and the delivery builds: the mirror is a full build’s, the withdrawal recorded', async () => {
  using tmp = tempDir();
  const { store, clock, mirror, logs, engine, goneAt, likeFullBuild, notices } = await harness(tmp.path);
  try {
    await engine.start();
    await engine.idle();
    const half = await realpath(mirror);
    // A notice alone on no list page (its withdrawal can be patched), and its page in the order by title (written late).
    const pages = [...(await files(mirror))].filter(([p]) => /(^|\/)(strana\/\d+\/)?index\.html$/.test(p) && !/digest|oznameni|hledat/.test(p));
    const on = (id: string): [string, Buffer][] => pages.filter(([, b]) => b.includes(`oznameni/${id}/`));
    const alone = (b: Buffer): boolean => b.toString('utf8').split('<h3><a href=').length <= 2;
    const gone = notices.find((n) => !on(n.id).some(([, b]) => alone(b)) && on(n.id).some(([p]) => p.startsWith('razeni/nazev/strana/')))!;
    const page = join(mirror, on(gone.id).find(([p]) => p.startsWith('razeni/nazev/strana/'))![0]);
    await rm(page);
    await mkdir(join(page, 'x'), { recursive: true });
    clock.set(T0 + HOUR);
    await engine.commit(BOARD.id, () => store.notices.withdraw(gone.id, 'chyba', 'vedouci', clock.now()));
    await engine.idle();
    assert.ok(logs.some((l) => /mirror patch failed, building/.test(l)), logs.join('\n'));
    assert.notEqual(await realpath(mirror), half, 'a new release');
    assert.equal(goneAt(gone), iso(T0 + HOUR));
    await likeFullBuild(T0 + HOUR);
    // The next change is patched again (the thread knows the release it built).
    await engine.commit(BOARD.id, () => store.notices.withdraw(notices[1]!.id, 'chyba', 'vedouci', clock.now()));
    await engine.idle();
    assert.equal(logs.filter((l) => /mirror patch failed/.test(l)).length, 1);
    await likeFullBuild(T0 + HOUR);
  } finally {
    await engine.stop();
    store.close();
  }
});
