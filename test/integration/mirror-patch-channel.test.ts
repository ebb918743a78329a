/**
 * The mirror's fast path through the publisher (real store, engine, worker pool): a withdrawal,
 * an extended posting period and a notice posted now are patched into the live release in place
 * (its `.dirty` record says so), recorded at the patch, and settled by a build in the background
 * that ends with what a full build shows; nothing is logged as refused.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { test } from 'node:test';
import { makeDocumentPdf } from '../../src-main/demo/pdf.ts';
import { PublicationEngine } from '../../src-main/publication/engine.ts';
import { generateBoardKeys } from '../../src-main/publication/signing.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { Board, Notice } from '../../src-main/shared/domain.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const BOARD: Board = { id: 'lhota', name: 'Obecní úřad Lhota', ico: '00012345', timeZone: 'Europe/Prague', publicUrl: 'https://lhota.example/deska/' };
const HOUR = 3_600_000;
const T0 = Date.parse('2026-05-04T08:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

/** Every file of the live mirror but the search index, with its text. */
async function siteText(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || e.parentPath.includes('pagefind')) continue;
    const file = join(e.parentPath, e.name);
    parts.push(`== ${relative(dir, file)}\n${e.name.endsWith('.pdf') ? '' : await readFile(file, 'utf8')}`);
  }
  return parts.join('\n');
}

test('a withdrawal, a longer period and a notice posted now are patched in place, recorded at the patch and settled by a build', async () => {
  using tmp = tempDir();
  const store = Store.open(join(tmp.path, 'data'), () => T0);
  store.createBoard(BOARD, T0);
  const pdf = { ...store.blobs.put(await makeDocumentPdf('Vyhláška', ['Text vyhlášky.']), 'application/pdf', T0), name: 'vyhlaska.pdf' };
  const clock = new ManualClock(T0);
  const mirror = join(tmp.path, 'mirror');
  const logs: string[] = [];
  const engine = new PublicationEngine({ store, clock, privateKeyPem: generateBoardKeys().privatePem, mirrorDir: () => mirror, mirrorSettings: () => ({ pageSize: 4 }), sweep: false, onLog: (l) => logs.push(l) });
  const publish = (title: string, category: string, postAt: number, removeAt: number | null): Notice => {
    const n = store.notices.create(BOARD, { title, description: 'Popis.', category, department: 'OÚ', referenceNumber: '', fileMark: '', postAt: iso(postAt), removeAt: removeAt === null ? null : iso(removeAt) }, [pdf], 'jana', clock.now());
    return store.notices.publish(n.id, 'jana', clock.now());
  };
  try {
    const notices = Array.from({ length: 18 }, (_, i) => publish(`Oznámení číslo ${i}`, i % 2 === 0 ? 'Stavební řízení' : 'Rozpočet', T0 - (i + 1) * HOUR, T0 + (30 + i) * HOUR));
    await engine.start();
    await engine.idle();
    const first = await realpath(mirror);

    // A withdrawal an hour later.
    clock.set(T0 + HOUR);
    const gone = notices[7]!;
    store.notices.withdraw(gone.id, 'chyba v textu', 'vedouci', clock.now());
    await engine.changed(BOARD.id);
    const dirty = await readFile(join(`${mirror}.builds`, `${basename(first)}.dirty`), 'utf8');
    assert.match(dirty, /"opendata\/uredni-deska\.jsonld"/, 'the live release was patched in place');
    assert.deepEqual(store.evidence.forNotice(gone.id).map((s) => [s.firstShownAt, s.goneAt]).at(-1), [iso(T0), iso(T0 + HOUR)]);
    assert.notEqual(await realpath(mirror), first, 'then a build settled it');
    let text = await siteText(mirror);
    assert.doesNotMatch(text, new RegExp(gone.id));

    // A longer posting period (it moves in the order by removal), and a notice posted now.
    clock.set(T0 + 2 * HOUR);
    const longer = notices[2]!;
    store.notices.update(longer.id, { removeAt: iso(T0 + 400 * HOUR) }, [], [], 'jana', clock.now());
    await engine.changed(BOARD.id);
    const settled = await realpath(mirror);
    const fresh = publish('Oznámení vyvěšené hned', 'Rozpočet', T0 + 2 * HOUR, null);
    await engine.changed(BOARD.id);
    assert.match(await readFile(join(`${mirror}.builds`, `${basename(settled)}.dirty`), 'utf8'), /"opendata\/uredni-deska\.jsonld"/);
    assert.deepEqual(store.evidence.forNotice(fresh.id).map((s) => [s.firstShownAt, s.goneAt]), [[iso(T0 + 2 * HOUR), null]]);
    text = await siteText(mirror);
    assert.match(text, /Oznámení vyvěšené hned/);
    // The settled release: the list by removal instant ends with the longer notice, pages even again.
    const lastPage = await readFile(join(mirror, 'razeni', 'sejmuti', 'strana', '5', 'index.html'), 'utf8');
    assert.match(lastPage, new RegExp(`oznameni/${longer.id}/`));
    assert.deepEqual(logs.filter((l) => /mirror/.test(l)), []);
  } finally {
    await engine.stop();
    store.close();
  }
});
