/**
 * renderMirror (the full build's files without a release: a sink, or a plain folder) gives the
 * same files with the same bytes as buildMirror, search index aside; and the mirror's words,
 * interpolated by parts computed once per text, are what i18next itself gives for every text of
 * every language, with values that need escaping and with markup.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import i18next from 'i18next';
import { buildMirror, renderMirror, type MirrorInput } from '../../src-main/mirror/build.ts';
import { raw } from '../../src-main/mirror/html.ts';
import { translator, type Lang, type TextKey } from '../../src-main/mirror/i18n.ts';
import { sampleBoard } from '../../src-main/mirror/sample.ts';
import { CS, EN, PL } from '../../src-main/mirror/texts.ts';
import { tempDir } from '../helpers/tmp.ts';

const hash = (d: string | Uint8Array): string => createHash('sha256').update(d).digest('hex');

/** path → SHA-256 of every file under `dir`, search index and build state aside. */
function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = relative(dir, join(e.parentPath, e.name));
    if (path.startsWith('pagefind/') || path.startsWith('.')) continue;
    out.set(path, hash(readFileSync(join(dir, path))));
  }
  return out;
}

function input(locale?: string): MirrorInput {
  const { manifest, files } = sampleBoard();
  if (locale) manifest.board = { ...manifest.board, locale };
  // A corrected notice, so that the change register is rendered too.
  const n = manifest.notices[0]!;
  n.register = [
    { revision: 1, at: n.postAt!, actor: 'referentka', reason: '', restartsPeriod: false, periodStartAt: n.postAt!, lawfulRemoveAt: null, contentSha256: hash('1'), changes: [] },
    { revision: 2, at: n.postAt!, actor: 'referentka <b>', reason: 'Překlep & "uvozovky"', restartsPeriod: true, periodStartAt: n.postAt!, lawfulRemoveAt: null, contentSha256: hash('2'), changes: [{ field: 'title', from: 'A < B', to: n.title }] },
  ];
  return { manifest, at: Date.parse(manifest.snapshot.createdAt), readAttachment: async (sha) => files.get(sha)!, settings: { pageSize: 2 } };
}

for (const locale of [undefined, 'pl-PL']) {
  test(`renderMirror gives buildMirror's files, byte for byte (${locale ?? 'Czech board'})`, async () => {
    using tmp = tempDir();
    const built = await buildMirror(input(locale), join(tmp.path, 'site'));
    const expected = filesOf(built.path);
    assert.ok(expected.size > 40, `only ${expected.size} files built`);

    const sunk = new Map<string, string>();
    await renderMirror(input(locale), (file, data) => {
      assert.ok(!sunk.has(file), `${file} given twice`);
      sunk.set(file, hash(data));
    }, { search: false });
    assert.deepEqual(new Map([...sunk].sort()), new Map([...expected].sort()));

    await renderMirror(input(locale), join(tmp.path, 'plain'), { search: false });
    assert.deepEqual(new Map([...filesOf(join(tmp.path, 'plain'))].sort()), new Map([...expected].sort()));
  });
}

test("the mirror's words are i18next's, for every text of every language", () => {
  const values = { name: 'Obec "Lhota" <&> \'s', ico: 123, n: 0, page: 2, pages: 3, category: 'Kat & co', time: raw('<time datetime="x">1. 1.</time>'), rev: 2, link: raw('<a href="./">x & y</a>'), site: raw('<b>s</b>'), date: '1. 1. 2026', order: raw('<i>o</i>'), where: raw(', strana 2'), file: 'a&b.json', phone: '+420 <1>', contact: ', Jana', reach: raw('<a>e</a>'), ofn: raw('<a>o</a>'), dataset: raw('<a>d</a>'), withdrawn: raw(' <i>w</i>'), title: 'T <x>', email: 'a@b', q: '"q"' };
  const texts: Record<Lang, Record<string, string>> = { cs: CS, en: EN, pl: PL };
  for (const lang of ['cs', 'en', 'pl'] as const) {
    const i = i18next.createInstance();
    void i.init({ lng: lang, fallbackLng: 'cs', resources: { cs: { translation: CS }, en: { translation: EN }, pl: { translation: PL } }, initAsync: false, interpolation: { escapeValue: true }, returnNull: false });
    const plain: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(values)) plain[k] = typeof v === 'object' ? v.value : v;
    const t = translator(lang);
    for (const key of Object.keys(texts[lang]) as TextKey[]) {
      assert.equal(t.tr(key, values).value, i.t(key, plain), `${lang} ${key} with values`);
      assert.equal(t.tr(key).value, i.t(key), `${lang} ${key} without values`);
      // A value left out stays as i18next leaves it.
      assert.equal(t.tr(key, {}).value, i.t(key, {}), `${lang} ${key} with no value given`);
    }
  }
});
