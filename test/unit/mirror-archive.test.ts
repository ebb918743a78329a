/**
 * The archive of removed notices (DATA/mirror.json "archive": true): only notices that were
 * posted and have left the board, without personal data, in archiv/ only, each marked as removed
 * with its posting and removal dates; never in the current lists, feeds, sitemap, search index or
 * the OFN file of current notices; nothing of it without the setting.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { archivable, archiveFromStore, type ArchivedNotice } from '../../src-main/mirror/archive.ts';
import { Store } from '../../src-main/store/store.ts';
import { buildMirror } from '../../src-main/mirror/build.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import { parseMirrorSettings } from '../../src-main/mirror/settings.ts';
import type { Notice } from '../../src-main/shared/domain.ts';
import { tempDir } from '../helpers/tmp.ts';

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

function notice(id: string, f: Partial<Notice>): Notice {
  return {
    id,
    boardId: 'b',
    title: `Oznámení ${id}`,
    description: '',
    category: 'Oznámení',
    department: 'Obecní úřad',
    referenceNumber: '',
    fileMark: '',
    postAt: iso(SAMPLE_AT - 20 * DAY),
    removeAt: iso(SAMPLE_AT - DAY),
    attachments: [],
    publishedAt: iso(SAMPLE_AT - 21 * DAY),
    withdrawnAt: null,
    withdrawReason: null,
    createdAt: iso(SAMPLE_AT - 22 * DAY),
    updatedAt: iso(SAMPLE_AT - 21 * DAY),
    revision: 1,
    ...f,
  };
}

test('archivable: posted and gone, without personal data; withdrawn ones marked; newest removal first', () => {
  const list = archivable(
    [
      notice('removed', {}),
      notice('withdrawn', { withdrawnAt: iso(SAMPLE_AT - 2 * DAY), removeAt: iso(SAMPLE_AT + 5 * DAY) }),
      notice('open-withdrawn', { withdrawnAt: iso(SAMPLE_AT - 3 * DAY), removeAt: null }),
      notice('personal', { personalData: true }),
      notice('still-posted', { removeAt: iso(SAMPLE_AT + DAY) }),
      notice('open-ended', { removeAt: null }),
      notice('withdrawn-before-posting', { postAt: iso(SAMPLE_AT - DAY), withdrawnAt: iso(SAMPLE_AT - 2 * DAY), removeAt: iso(SAMPLE_AT + 9 * DAY) }),
      notice('draft', { publishedAt: null }),
    ],
    SAMPLE_AT,
  );
  assert.deepEqual(list.map((n) => [n.id, n.removedAt, n.withdrawn]), [
    ['removed', iso(SAMPLE_AT - DAY), false],
    ['withdrawn', iso(SAMPLE_AT - 2 * DAY), true],
    ['open-withdrawn', iso(SAMPLE_AT - 3 * DAY), true],
  ]);
  assert.equal(list[0]!.removeAt, iso(SAMPLE_AT - DAY), 'the planned removal is kept as it was');
});

test('the archive setting is a boolean, off when absent', () => {
  assert.equal(parseMirrorSettings({}, 'x').archive, undefined);
  assert.equal(parseMirrorSettings({ archive: true }, 'x').archive, true);
  assert.throws(() => parseMirrorSettings({ archive: 'ano' }, 'mirror.json: boards.demo'), /boards\.demo\.archive musí být true/);
});

/** The sample's removed notice (with a document) and a removed notice with personal data, as the archive gets them. */
function archiveOf(m: ReturnType<typeof sampleBoard>['manifest']): ArchivedNotice[] {
  const removed = m.notices.find((n) => n.id === '2026-0100')!;
  return [
    { ...removed, removedAt: removed.removeAt!, withdrawn: false },
    { ...removed, id: '2026-0101', title: 'SEJMUTÉ s osobními údaji – nesmí se objevit', personalData: true, attachments: [], removedAt: removed.removeAt!, withdrawn: false },
    { ...removed, id: '2026-0102', title: 'Stažené oznámení o uzavírce', attachments: [], removedAt: iso(SAMPLE_AT - 3 * DAY), withdrawn: true },
  ];
}

test('with the setting: archiv/ lists the removed notices without personal data, each page marked as removed with its dates', async () => {
  using tmp = tempDir();
  const { manifest, files } = sampleBoard();
  const out = join(tmp.path, 'site');
  const r = await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)!, settings: { archive: true }, archive: archiveOf(manifest) }, out);
  assert.deepEqual(r.warnings, []);

  const list = readFileSync(join(out, 'archiv/index.html'), 'utf8');
  assert.match(list, /<h1>Archiv sejmutých oznámení<\/h1>/);
  assert.match(list, /class="removed-mark"><strong>Tato oznámení už byla z úřední desky sejmuta<\/strong>/);
  assert.match(list, /SEJMUTÉ oznámení – už se nesmí objevit/);
  assert.match(list, /Stažené oznámení o uzavírce/);
  assert.match(list, /\(staženo\)/);
  assert.doesNotMatch(list, /osobními údaji – nesmí/);
  assert.ok(list.indexOf('SEJMUTÉ oznámení') < list.indexOf('Stažené oznámení'), 'newest removal first');

  const page = readFileSync(join(out, 'archiv/oznameni/2026-0100/index.html'), 'utf8');
  assert.match(page, /<title>Sejmuto: SEJMUTÉ oznámení/);
  assert.match(page, /<p class="removed-mark"><strong>Sejmuto z úřední desky<\/strong> <time datetime="2026-11-21T14:04:59\+01:00">21\. 11\. 2026 14:04<\/time>\. Oznámení už není vyvěšené/);
  assert.match(page, /<dt>Vyvěšeno<\/dt><dd><time datetime="2026-10-22T15:05:00\+02:00">/);
  assert.match(page, /<dt>Sejmuto<\/dt><dd><time/);
  // Its document is published with it (content-addressed, like every document).
  const sha = manifest.notices.find((n) => n.id === '2026-0100')!.attachments[0]!.sha256;
  assert.match(page, new RegExp(`href="../../../soubory/${sha}.pdf"`));
  assert.ok(existsSync(join(out, `soubory/${sha}.pdf`)));
  assert.ok(!existsSync(join(out, 'archiv/oznameni/2026-0101')), 'personal data never reaches the archive');
  assert.match(readFileSync(join(out, 'index.html'), 'utf8'), /href="archiv\/">Archiv sejmutých oznámení</);

  // Nowhere among the current notices: lists, their page, feeds, sitemap, the OFN file, search.
  for (const f of ['index.html', 'atom.xml', 'sitemap.xml', 'opendata/uredni-deska.jsonld', 'kategorie/verejna-vyhlaska/index.html', 'hledani/index.html']) {
    assert.doesNotMatch(readFileSync(join(out, f), 'utf8'), /2026-0100|SEJMUTÉ|Stažené oznámení/, f);
  }
  assert.ok(!existsSync(join(out, 'oznameni/2026-0100')));
  assert.equal(readdirSync(join(out, 'pagefind/0/fragment')).length, 4, 'the search index holds the four shown notices only');
});

test('without the setting (the default) nothing of the archive is published, whatever it is given', async () => {
  using tmp = tempDir();
  const { manifest, files } = sampleBoard();
  const out = join(tmp.path, 'site');
  await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)!, archive: archiveOf(manifest) }, out);
  assert.ok(!existsSync(join(out, 'archiv')));
  assert.doesNotMatch(readFileSync(join(out, 'index.html'), 'utf8'), /archiv\//);
  const sha = manifest.notices.find((n) => n.id === '2026-0100')!.attachments[0]!.sha256;
  assert.ok(!existsSync(join(out, `soubory/${sha}.pdf`)), 'the removed notice\'s document left with it');
});

test('a notice still shown, or not yet removed at the build\'s instant, is not in the archive; a lost document costs only its link', async () => {
  using tmp = tempDir();
  const { manifest, files } = sampleBoard();
  const out = join(tmp.path, 'site');
  const shown = manifest.notices.find((n) => n.id === '2026-0151')!;
  const archive = [
    ...archiveOf(manifest),
    { ...shown, removedAt: iso(SAMPLE_AT - DAY), withdrawn: false },
    { ...shown, id: '2026-0199', title: 'Sejme se až zítra', removedAt: iso(SAMPLE_AT + DAY), withdrawn: false },
  ];
  const lost = manifest.notices.find((n) => n.id === '2026-0100')!.attachments[0]!.sha256;
  const r = await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => (sha === lost ? Promise.reject(new Error('missing')) : files.get(sha)!), settings: { archive: true }, archive }, out);
  assert.ok(!existsSync(join(out, 'archiv/oznameni/2026-0151')));
  assert.ok(!existsSync(join(out, 'archiv/oznameni/2026-0199')));
  assert.ok(existsSync(join(out, 'archiv/oznameni/2026-0100/index.html')));
  assert.match(r.warnings.join('\n'), /archiv: 1 dokumentů/);
});

test('from a real store: removed and withdrawn notices without personal data; live ones and personal data left out', () => {
  using dir = tempDir();
  const T0 = Date.parse('2026-03-02T09:00:00.000Z');
  const board = { id: 'b', name: 'Obec', ico: '12345678', timeZone: 'Europe/Prague', publicUrl: 'https://example.test/' };
  const store = Store.open(dir.path, () => T0);
  try {
    store.createBoard(board, T0);
    const f = (title: string, removeAt: number | null, personalData = false) => ({
      title, description: 'Text', category: 'Oznámení', department: '', referenceNumber: '', fileMark: '',
      postAt: iso(T0 + 60_000), removeAt: removeAt === null ? null : iso(removeAt), personalData,
    });
    const ended = store.notices.create(board, f('Skončilo', T0 + 15 * DAY), [], 'u', T0);
    store.notices.publish(ended.id, 'u', T0);
    const withdrawn = store.notices.create(board, f('Staženo', null), [], 'u', T0);
    store.notices.publish(withdrawn.id, 'u', T0);
    store.notices.withdraw(withdrawn.id, 'chyba', 'u', T0 + DAY);
    const personal = store.notices.create(board, f('Osobní', T0 + 15 * DAY, true), [], 'u', T0);
    store.notices.publish(personal.id, 'u', T0);
    const live = store.notices.create(board, f('Visí', T0 + 60 * DAY), [], 'u', T0);
    store.notices.publish(live.id, 'u', T0);
    const list = archiveFromStore(store, 'b', T0 + 20 * DAY);
    assert.deepEqual(list.map((n) => [n.title, n.withdrawn, n.removedAt]), [
      ['Skončilo', false, iso(T0 + 15 * DAY)],
      ['Staženo', true, iso(T0 + DAY)],
    ]);
  } finally {
    store.close();
  }
});
