import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { buildMirror } from '../../src-main/mirror/build.ts';
import { html } from '../../src-main/mirror/html.ts';
import { slugOf } from '../../src-main/mirror/paths.ts';
import { categoriesOf, sortNotices } from '../../src-main/mirror/pages.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import { isPostedAt } from '../../src-main/shared/domain.ts';
import { tempDir } from '../helpers/tmp.ts';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  }
  return out.sort();
}

async function build(dir: string, mutate?: (m: ReturnType<typeof sampleBoard>['manifest']) => void) {
  const { manifest, files } = sampleBoard();
  mutate?.(manifest);
  const out = join(dir, 'site');
  const result = await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)! }, out);
  return { manifest, files, out, result };
}

/** Minimal XML well-formedness check: balanced tags, no stray '<' or '&'. */
function assertWellFormedXml(xml: string): void {
  assert.match(xml, /^<\?xml version="1.0" encoding="utf-8"\?>\n/);
  const body = xml.replace(/^<\?xml[^>]*\?>/, '');
  assert.doesNotMatch(body.replace(/&(amp|lt|gt|quot|#39);/g, ''), /&/, 'unescaped &');
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)([^<>]*?)(\/?)>|</g)) {
    if (m[2] === undefined) assert.fail(`stray < at ${m.index}`);
    if (m[1]) assert.equal(stack.pop(), m[2], `mismatched </${m[2]}>`);
    else if (!m[4]) stack.push(m[2]);
  }
  assert.deepEqual(stack, [], 'unclosed elements');
}

test('only notices posted at the instant appear in any output file, attachments included', async () => {
  using tmp = tempDir();
  const { manifest, files, out, result } = await build(tmp.path);
  const posted = manifest.notices.filter((n) => isPostedAt(n, SAMPLE_AT));
  const hidden = manifest.notices.filter((n) => !isPostedAt(n, SAMPLE_AT));
  assert.equal(hidden.length, 2, 'the sample has one future and one removed notice');
  assert.deepEqual(result.shownNoticeIds.sort(), posted.map((n) => n.id).sort());

  const all = await listFiles(out);
  const expectedAttachments = posted.flatMap((n) => n.attachments.map((a) => `soubory/${a.sha256}.pdf`)).sort();
  assert.deepEqual(all.filter((f) => f.startsWith('soubory/')), expectedAttachments);
  for (const f of expectedAttachments) {
    const sha = f.slice(8, 72);
    assert.deepEqual(new Uint8Array(await readFile(join(out, f))), files.get(sha));
  }
  assert.deepEqual(
    all.filter((f) => f.startsWith('oznameni/')),
    posted.map((n) => `oznameni/${n.id}/index.html`).sort(),
  );
  for (const f of all) {
    const text = await readFile(join(out, f), 'latin1');
    for (const n of hidden) {
      assert.ok(!text.includes(n.id), `${f} mentions hidden notice ${n.id}`);
      for (const a of n.attachments) assert.ok(!text.includes(a.sha256), `${f} mentions a hidden attachment`);
    }
    const utf8 = await readFile(join(out, f), 'utf8');
    for (const n of hidden) assert.ok(!utf8.includes(n.title), `${f} shows hidden title ${n.title}`);
  }
  for (const required of ['index.html', 'opendata/uredni-deska.jsonld', 'atom.xml', 'sitemap.xml', 'pristupnost/index.html']) {
    assert.ok(all.includes(required), `missing ${required}`);
  }
});

test('index lists every posted notice with its metadata; notice pages have stable paths', async () => {
  using tmp = tempDir();
  const { manifest, out } = await build(tmp.path);
  const index = await readFile(join(out, 'index.html'), 'utf8');
  assert.match(index, /<html lang="cs">/);
  assert.match(index, /href="#obsah"/);
  for (const s of ['Vyvěšeno', 'Sejmutí', 'do odvolání', 'SÚ/1234/2026-Nov', 'Stavební úřad', '<a href="kategorie/oznameni/">Oznámení (1)</a>']) {
    assert.ok(index.includes(s), `index lacks ${s}`);
  }
  const n = manifest.notices[0]!;
  assert.ok(index.includes(`href="oznameni/${n.id}/"`));
  const page = await readFile(join(out, 'oznameni', n.id, 'index.html'), 'utf8');
  assert.ok(page.includes(`<link rel="canonical" href="https://deska.horni-lhota.example/oznameni/${n.id}/">`));
  for (const a of n.attachments) {
    assert.ok(page.includes(`href="../../soubory/${a.sha256}.pdf"`));
    assert.ok(page.includes(a.sha256));
  }
  assert.ok(page.includes('16. 11. 2026 14:05'), 'posting instant in the board zone');
  assert.ok(page.includes('SÚ/88/2026'));
});

test('untrusted text is escaped everywhere', async () => {
  using tmp = tempDir();
  const evil = '<script>alert("x")</script> & \'co\'';
  const { out } = await build(tmp.path, (m) => {
    const n = m.notices[0]!;
    n.title = evil;
    n.description = evil;
    n.category = evil;
    n.department = evil;
    n.referenceNumber = evil;
    n.attachments[0]!.name = evil;
  });
  for (const f of await listFiles(out)) {
    if (f.startsWith('soubory/')) continue;
    const text = await readFile(join(out, f), 'utf8');
    assert.ok(!text.includes('<script>'), `${f} contains a raw <script>`);
  }
  const index = await readFile(join(out, 'index.html'), 'utf8');
  assert.ok(index.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;'));
  const ofn = JSON.parse(await readFile(join(out, 'opendata/uredni-deska.jsonld'), 'utf8')) as { informace: { název: { cs: string } }[] };
  assert.ok(ofn.informace.some((i) => i.název.cs === evil), 'JSON keeps the text verbatim');
  assertWellFormedXml(await readFile(join(out, 'atom.xml'), 'utf8'));
});

test('html template escapes interpolations but not nested templates', () => {
  assert.equal(html`<p title="${'"a"'}">${'<b>'}${html`<i>${'&'}</i>`}${null}${['<', html`<br>`]}</p>`.value, '<p title="&quot;a&quot;">&lt;b&gt;<i>&amp;</i>&lt;<br></p>');
});

test('Atom feed and sitemap are well-formed and list exactly the posted notices', async () => {
  using tmp = tempDir();
  const { manifest, out } = await build(tmp.path);
  const atom = await readFile(join(out, 'atom.xml'), 'utf8');
  const map = await readFile(join(out, 'sitemap.xml'), 'utf8');
  assertWellFormedXml(atom);
  assertWellFormedXml(map);
  const posted = manifest.notices.filter((n) => isPostedAt(n, SAMPLE_AT));
  assert.equal(atom.match(/<entry>/g)?.length, posted.length);
  assert.match(atom, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
  // The feed's <updated> is its newest entry's (the same bytes while the list is unchanged).
  assert.match(atom, /<updated>2026-11-20T14:05:00\+01:00<\/updated>\n<author>/);
  const locs = [...map.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
  const pages = [
    '',
    ...posted.map((n) => `oznameni/${n.id}/`),
    ...[...new Set(posted.map((n) => n.category))].map((c) => `kategorie/${slugOf(c)}/`),
    'o-desce/',
    'pristupnost/',
  ];
  // Each page in each language version (the English one under en/; mirror-feeds-versions.test.ts checks the alternates).
  assert.deepEqual(locs.sort(), pages.flatMap((p) => [`https://deska.horni-lhota.example/${p}`, `https://deska.horni-lhota.example/en/${p}`]).sort());
});

test('the well-formedness check itself rejects broken XML', () => {
  assert.throws(() => assertWellFormedXml('<?xml version="1.0" encoding="utf-8"?>\n<a><b></a>'));
  assert.throws(() => assertWellFormedXml('<?xml version="1.0" encoding="utf-8"?>\n<a>x & y</a>'));
});

test('outDir is a symlink to the newest release; old releases are pruned to two', async () => {
  using tmp = tempDir();
  const out = join(tmp.path, 'site');
  const { manifest, files } = sampleBoard();
  const paths: string[] = [];
  for (let i = 0; i < 4; i++) {
    manifest.snapshot.seq = i + 1;
    paths.push((await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)! }, out)).path);
  }
  assert.ok((await lstat(out)).isSymbolicLink());
  assert.equal(join(tmp.path, await readlink(out)), paths[3]);
  const releases = await readdir(`${out}.releases`);
  assert.equal(releases.length, 2);
  assert.ok(releases.includes(paths[3]!.split('/').at(-1)!));
  assert.ok(releases.includes(paths[2]!.split('/').at(-1)!));
  assert.ok((await readdir(tmp.path)).every((n) => !n.includes('.tmp-')), 'no temporary symlink left behind');
});

test('refuses to replace a real directory at outDir and leaves it intact', async () => {
  using tmp = tempDir();
  const out = join(tmp.path, 'site');
  await mkdir(out);
  await writeFile(join(out, 'keep.txt'), 'precious');
  const { manifest, files } = sampleBoard();
  await assert.rejects(buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)! }, out), /není symlink/);
  assert.equal(await readFile(join(out, 'keep.txt'), 'utf8'), 'precious');
});

test('an attachment whose bytes do not match its hash fails the build and publishes nothing', async () => {
  using tmp = tempDir();
  const out = join(tmp.path, 'site');
  const { manifest } = sampleBoard();
  await assert.rejects(buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async () => new Uint8Array([1, 2, 3]) }, out), /content hash/);
  await assert.rejects(lstat(out), { code: 'ENOENT' });
  assert.deepEqual(await readdir(`${out}.releases`), []);
});

test('a rebuild reuses the previous release attachments by hard link instead of reading them again', async () => {
  using dir = tempDir();
  const first = await build(dir.path);
  const { manifest, files } = sampleBoard();
  manifest.snapshot.seq += 1;
  const read: string[] = [];
  await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => (read.push(sha), files.get(sha)!) }, first.out);
  assert.deepEqual(read, [], 'no attachment read for the second build');
  const releases = join(`${first.out}.releases`);
  const [older, newer] = (await readdir(releases)).sort();
  const shown = manifest.notices.filter((n) => isPostedAt(n, SAMPLE_AT));
  const sha = shown.flatMap((n) => n.attachments)[0]!.sha256;
  const a = await lstat(join(releases, older!, 'soubory', `${sha}.pdf`));
  const b = await lstat(join(releases, newer!, 'soubory', `${sha}.pdf`));
  assert.equal(a.ino, b.ino, 'same file on disk');
  assert.deepEqual(await readFile(join(first.out, 'soubory', `${sha}.pdf`)), Buffer.from(files.get(sha)!));
});

test('an Atom feed per category lists exactly that category; the lists link it; personal data stays out of the sitemap', async () => {
  using tmp = tempDir();
  const { manifest, out } = await build(tmp.path, (m) => {
    m.notices.find((n) => n.id === '2026-0150')!.personalData = true;
  });
  const posted = manifest.notices.filter((n) => isPostedAt(n, SAMPLE_AT));
  for (const cat of new Set(posted.map((n) => n.category))) {
    const slug = slugOf(cat);
    const atom = await readFile(join(out, 'kategorie', slug, 'atom.xml'), 'utf8');
    assertWellFormedXml(atom);
    const ids = [...atom.matchAll(/<entry>\n<id>https:\/\/deska\.horni-lhota\.example\/oznameni\/([^/]+)\/<\/id>/g)].map((m) => m[1]).sort();
    assert.deepEqual(ids, posted.filter((n) => n.category === cat).map((n) => n.id).sort(), cat);
    assert.match(atom, new RegExp(`<link rel="self" type="application/atom\\+xml" href="https://deska\\.horni-lhota\\.example/kategorie/${slug}/atom\\.xml"/>`));
    const page = await readFile(join(out, 'kategorie', slug, 'index.html'), 'utf8');
    assert.ok(page.includes(`<link rel="alternate" type="application/atom+xml" title="${cat} – úřední deska Obecní úřad Horní Lhota (Atom)" href="../../kategorie/${slug}/atom.xml">`), cat);
  }
  const map = await readFile(join(out, 'sitemap.xml'), 'utf8');
  assert.ok(!map.includes('2026-0150'));
  assert.match(await readFile(join(out, 'oznameni/2026-0150/index.html'), 'utf8'), /<meta name="robots" content="noindex">/);
  assert.doesNotMatch(await readFile(join(out, 'oznameni/2026-0142/index.html'), 'utf8'), /noindex/);
});

test('category slugs are URL-safe and unique; list orders are total and stable', () => {
  assert.equal(slugOf('Veřejná vyhláška'), 'verejna-vyhlaska');
  assert.equal(slugOf('Územní plán – změna č. 3'), 'uzemni-plan-zmena-c-3');
  assert.equal(slugOf('!!!'), 'kategorie');
  const { manifest } = sampleBoard();
  const base = manifest.notices[0]!;
  const mk = (id: string, category: string, title: string, postAt: string, removeAt: string | null): typeof base => ({ ...base, id, category, title, postAt, removeAt });
  const ns = [
    mk('a', 'Oznámení', 'Beta', '2026-11-02T08:00:00.000Z', null),
    mk('b', 'Oznameni', 'alfa', '2026-11-02T08:00:00.000Z', '2026-12-01T08:00:00.000Z'),
    mk('c', '', 'Čáp', '2026-11-03T08:00:00.000Z', '2026-11-20T08:00:00.000Z'),
    mk('d', 'Oznámení', 'Alfa', '2026-11-01T08:00:00.000Z', '2026-11-20T08:00:00.000Z'),
  ];
  const cats = categoriesOf(ns);
  assert.deepEqual(cats.map((c) => [c.name, c.slug, c.count]), [['Oznameni', 'oznameni', 1], ['Oznámení', 'oznameni-2', 2], ['Ostatní', 'ostatni', 1]].sort((x, y) => new Intl.Collator('cs').compare(x[0] as string, y[0] as string)));
  assert.deepEqual(sortNotices(ns, 'nejnovejsi').map((n) => n.id), ['c', 'b', 'a', 'd']);
  assert.deepEqual(sortNotices(ns, 'sejmuti').map((n) => n.id), ['d', 'c', 'b', 'a']);
  assert.deepEqual(sortNotices(ns, 'nazev').map((n) => n.id), ['b', 'd', 'a', 'c']);
});

/** The MUSTs of RFC 4287 a feed validator checks first: one id, title, updated (RFC 3339) and author or authored entries; a self link; each entry with id, title, updated, an alternate link; ids absolute IRIs. */
function atomProblems(xml: string): string[] {
  const p: string[] = [];
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  const one = (scope: string, tag: string, where: string): string | null => {
    const all = [...scope.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`, 'g'))];
    if (all.length !== 1) p.push(`${where}: ${all.length} <${tag}>`);
    return all[0]?.[1] ?? null;
  };
  const [head, ...entries] = xml.split('<entry>');
  if (!/<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom"/.test(head!)) p.push('not an Atom feed');
  const id = one(head!, 'id', 'feed');
  if (id !== null && !/^https?:\/\//.test(id)) p.push(`feed id ${id} is not absolute`);
  one(head!, 'title', 'feed');
  const updated = one(head!, 'updated', 'feed');
  if (updated !== null && !rfc3339.test(updated)) p.push(`feed updated ${updated}`);
  if (!/<author><name>[^<]+<\/name><\/author>/.test(head!)) p.push('feed has no author');
  if (!/<link rel="self" type="application\/atom\+xml" href="https?:\/\/[^"]+"\/>/.test(head!)) p.push('feed has no self link');
  entries.forEach((e, i) => {
    const where = `entry ${i + 1}`;
    const eid = one(e, 'id', where);
    if (eid !== null && !/^https?:\/\//.test(eid)) p.push(`${where} id ${eid} is not absolute`);
    one(e, 'title', where);
    for (const t of ['updated', 'published']) {
      const v = one(e, t, where);
      if (v !== null && !rfc3339.test(v)) p.push(`${where} ${t} ${v}`);
    }
    if (!/<link rel="alternate" type="text\/html" href="https?:\/\/[^"]+"\/>/.test(e)) p.push(`${where} has no alternate link`);
  });
  const ids = entries.map((e) => /<id>([^<]*)<\/id>/.exec(e)?.[1]);
  if (new Set(ids).size !== ids.length) p.push('duplicate entry ids');
  return p;
}

test('every Atom feed meets the MUSTs of RFC 4287 (and the check catches a broken feed)', async () => {
  using tmp = tempDir();
  const { out } = await build(tmp.path);
  const feeds = (await listFiles(out)).filter((f) => f.endsWith('atom.xml'));
  assert.ok(feeds.length >= 5, feeds.join());
  for (const f of feeds) assert.deepEqual(atomProblems(await readFile(join(out, f), 'utf8')), [], f);
  const good = await readFile(join(out, 'atom.xml'), 'utf8');
  assert.ok(atomProblems(good.replace(/<updated>[^<]*<\/updated>/, '<updated>21. 11. 2026</updated>')).length > 0);
  assert.ok(atomProblems(good.replace(/<link rel="self"[^>]*\/>/, '')).length > 0);
  assert.ok(atomProblems(good.replace(/<entry>\n<id>[^<]*<\/id>/, '<entry>\n')).length > 0);
});
