/**
 * The archive of removed notices through the publisher's own mirror channel: a real store in a
 * data folder whose DATA/mirror.json says "archive": true, the publication engine with a clock the
 * test moves, notices posted and then removed at their instant or withdrawn. The mirror the channel
 * publishes shows each removed notice in archiv/ marked as removed with its posting and removal
 * dates, never among the current notices; a notice with personal data is never in the archive.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { makeDocumentPdf } from '../../src-main/demo/pdf.ts';
import { MIRROR_SETTINGS_FILE, loadMirrorSettings } from '../../src-main/mirror/settings.ts';
import { PublicationEngine } from '../../src-main/publication/engine.ts';
import { generateBoardKeys } from '../../src-main/publication/signing.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { Board, Notice, NoticeFields } from '../../src-main/shared/domain.ts';
import { formatWall } from '../../src-main/shared/zone.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const ZONE = 'Europe/Prague';
const BOARD: Board = { id: 'lhota', name: 'Obecní úřad Lhota', ico: '00012345', timeZone: ZONE, publicUrl: 'https://lhota.example/deska/' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-11-02T09:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

/** Every text file of the published mirror under `under` ('' for all), by path. */
function texts(mirror: string, under = ''): Map<string, string> {
  const root = join(mirror, under);
  const out = new Map<string, string>();
  if (!existsSync(root)) return out;
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || e.name.endsWith('.pdf')) continue;
    const file = join(e.parentPath, e.name);
    out.set(relative(mirror, file), readFileSync(file, 'utf8'));
  }
  return out;
}

const anyHas = (files: Map<string, string>, s: string): string[] => [...files].filter(([, t]) => t.includes(s)).map(([p]) => p);

test('the archive through the mirror channel: removed notices marked with their dates, personal data never', async () => {
  using tmp = tempDir();
  const data = join(tmp.path, 'data');
  const store = Store.open(data, () => T0);
  store.createBoard(BOARD, T0);
  writeFileSync(join(data, MIRROR_SETTINGS_FILE), JSON.stringify({ boards: { lhota: { archive: true } } }));
  const pdf = { ...store.blobs.put(await makeDocumentPdf('Oznámení', ['Text oznámení.']), 'application/pdf', T0), name: 'oznameni.pdf' };
  const clock = new ManualClock(T0);
  const mirror = join(tmp.path, 'mirror');
  const engine = new PublicationEngine({
    store,
    clock,
    privateKeyPem: generateBoardKeys().privatePem,
    mirrorDir: () => mirror,
    feedFolder: () => join(tmp.path, 'feed'),
    sweep: false,
    // As the publisher's server reads it (publisher/server.ts).
    mirrorSettings: (b) => loadMirrorSettings(data, b),
  });
  try {
    const post = (title: string, removeAt: number, extra: Partial<NoticeFields> = {}): Notice => {
      const fields: NoticeFields = { title, description: 'Popis.', category: 'Oznámení', department: 'Obecní úřad', referenceNumber: '', fileMark: '', postAt: iso(T0), removeAt: iso(removeAt), ...extra };
      const n = store.notices.create(BOARD, fields, [pdf], 'jana', clock.now());
      return store.notices.publish(n.id, 'jana', clock.now());
    };
    const removed = post('Oznámení o uzavírce silnice', T0 + 2 * DAY);
    const personal = post('Výzva k převzetí písemnosti – Jan Novák', T0 + 2 * DAY, { personalData: true });
    const withdrawn = post('Chybně vyvěšené oznámení', T0 + 10 * DAY);
    const staying = post('Rozpočet obce na rok 2027', T0 + 30 * DAY);
    await engine.start();
    await engine.idle();

    // All posted: the archive is published (the setting) and empty.
    let site = texts(mirror);
    assert.match(site.get('archiv/index.html') ?? '', /class="empty"/);
    for (const n of [removed, personal, withdrawn, staying]) assert.ok(site.get('index.html')!.includes(n.title), n.title);
    assert.deepEqual(anyHas(texts(mirror, 'archiv'), removed.title), []);

    // A withdrawal after posting, then the removal instant of two notices (the clock moves; the engine's instants fire).
    clock.set(T0 + DAY);
    store.notices.withdraw(withdrawn.id, 'chybná příloha', 'vedouci', clock.now());
    await engine.changed(BOARD.id);
    clock.set(T0 + 2 * DAY);
    await engine.tick(clock.now(), 'sweep');
    await engine.idle();

    site = texts(mirror);
    const archive = texts(mirror, 'archiv');
    const list = site.get('archiv/index.html')!;
    // The removed notice: in the archive's list and with a page of its own, marked as removed, with both dates.
    const posted = formatWall(T0, ZONE);
    const gone = formatWall(T0 + 2 * DAY, ZONE);
    assert.ok(list.includes(`archiv/oznameni/${removed.id}/`), 'listed in the archive');
    assert.ok(list.includes(removed.title));
    assert.match(list, /Tato oznámení už byla z úřední desky sejmuta/);
    const page = site.get(`archiv/oznameni/${removed.id}/index.html`)!;
    assert.ok(page, 'its archive page');
    assert.ok(page.includes(`<p class="removed-mark"><strong>Sejmuto z úřední desky</strong> <time datetime="${'2026-11-04T10:00:00+01:00'}">${gone}</time>.`), 'marked removed at its instant');
    assert.ok(page.includes(`<dt>Vyvěšeno</dt><dd><time datetime="2026-11-02T10:00:00+01:00">${posted}</time></dd>`), 'its posting date');
    assert.ok(page.includes(`<dt>Sejmuto</dt><dd><time datetime="2026-11-04T10:00:00+01:00">${gone}</time></dd>`), 'its removal date');
    // The withdrawn one: marked withdrawn, with the instant it left.
    const w = site.get(`archiv/oznameni/${withdrawn.id}/index.html`)!;
    assert.ok(w.includes(`${formatWall(T0 + DAY, ZONE)}</time> (staženo před koncem lhůty).`), 'withdrawn, with its instant');
    // The English version has the same archive.
    assert.ok(site.get(`en/archiv/oznameni/${removed.id}/index.html`)?.includes('Removed from the official notice board'));
    // Gone from everything current: lists, feeds, sitemap, open data.
    for (const f of ['index.html', 'atom.xml', 'en/atom.xml', 'sitemap.xml', 'opendata/uredni-deska.jsonld']) {
      assert.ok(!site.get(f)!.includes(removed.title), `${f} no longer lists it`);
      assert.ok(site.get(f)!.includes(staying.title) || f === 'sitemap.xml', `${f} still lists the posted one`);
    }
    assert.ok(!existsSync(join(mirror, 'oznameni', removed.id)), 'its current page is gone');
    // Personal data: never in the archive, and nowhere in the mirror once removed.
    assert.deepEqual(anyHas(archive, personal.title), []);
    assert.deepEqual(anyHas(archive, personal.id), []);
    assert.deepEqual(anyHas(site, personal.title), [], 'the notice with personal data has left every page');
    assert.ok(!existsSync(join(mirror, 'archiv', 'oznameni', personal.id)));

    // Still so at a later build (the instant of the withdrawn notice's original removal passes).
    clock.set(T0 + 10 * DAY);
    await engine.tick(clock.now(), 'sweep');
    await engine.idle();
    const later = texts(mirror, 'archiv');
    assert.ok(later.get('archiv/index.html')!.includes(removed.title));
    assert.deepEqual(anyHas(later, personal.title), []);
  } finally {
    await engine.stop();
    store.close();
  }
});
