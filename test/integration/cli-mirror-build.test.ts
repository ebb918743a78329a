/**
 * `deska mirror build` as an operator runs it: real child processes of bin/deska.js on a data
 * folder made by `deska init` a moment before (no publisher ever started, so no snapshot).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/tmp.ts';
import { createOfnValidator } from '../helpers/ofn-validator.ts';

const BIN = fileURLToPath(new URL('../../bin/deska.js', import.meta.url));
const tmp = tempDir();
after(() => tmp[Symbol.dispose]());

function deska(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function noStackTrace(r: { err: string; out: string }): void {
  assert.doesNotMatch(r.err + r.out, /\n\s+at |Error:|node:internal/, `no stack trace:\n${r.err}`);
}

test('right after deska init (no public URL, no snapshot): builds, links relatively, says what it left out', () => {
  const data = join(tmp.path, 'fresh');
  const init = deska(['init', '--data', data]);
  assert.equal(init.code, 0, init.err);
  const out = join(tmp.path, 'fresh-site');
  const r = deska(['mirror', 'build', '--data', data, '--out', out]);
  assert.equal(r.code, 0, r.err);
  noStackTrace(r);
  assert.match(r.out, /mirror of demo: 0 notices/);
  assert.match(r.out, /veřejná adresa zrcadla není nastavena/);
  const index = readFileSync(join(out, 'index.html'), 'utf8');
  assert.match(index, /není právě vyvěšeno žádné oznámení/);
  assert.doesNotMatch(index, /127\.0\.0\.1|https?:\/\//, 'no made-up absolute address');
  for (const f of ['o-desce/index.html', 'pristupnost/index.html', 'styl.css']) assert.ok(existsSync(join(out, f)), f);
  for (const f of ['opendata/uredni-deska.jsonld', 'atom.xml', 'sitemap.xml']) assert.ok(!existsSync(join(out, f)), `${f} needs a public URL`);
});

test('a demo board with --public-url: notices, categories and open data valid against the OFN schema', () => {
  const data = join(tmp.path, 'demo');
  assert.equal(deska(['init', '--demo', '--data', data]).code, 0);
  const out = join(tmp.path, 'demo-site');
  const r = deska(['mirror', 'build', '--data', data, '--out', out, '--public-url', 'https://deska.horni-lhota.example']);
  assert.equal(r.code, 0, r.err);
  noStackTrace(r);
  const shown = Number(/mirror of demo: (\d+) notices/.exec(r.out)?.[1]);
  assert.ok(shown > 0, r.out);
  const ofn = JSON.parse(readFileSync(join(out, 'opendata/uredni-deska.jsonld'), 'utf8')) as { informace: { url: string }[] };
  const v = createOfnValidator().validate(ofn);
  assert.ok(v.valid, JSON.stringify(v.errors));
  assert.equal(ofn.informace.length, shown);
  assert.ok(ofn.informace.every((i) => i.url.startsWith('https://deska.horni-lhota.example/oznameni/')));
  assert.match(readFileSync(join(out, 'index.html'), 'utf8'), /href="kategorie\/[a-z0-9-]+\/"/);
});

test('operator mistakes: one plain line, exit 1 (or 2 for usage), never a stack trace, nothing built', () => {
  const data = join(tmp.path, 'mistakes');
  assert.equal(deska(['init', '--data', data]).code, 0);
  const missing = deska(['mirror', 'build', '--data', join(tmp.path, 'no-such-folder'), '--out', join(tmp.path, 'x')]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /neobsahuje úložiště Deska/);
  noStackTrace(missing);
  assert.ok(!existsSync(join(tmp.path, 'no-such-folder')), 'no data folder created by a typo');

  writeFileSync(join(data, 'mirror.json'), JSON.stringify({ boards: { demo: { pageSize: 3 } } }));
  const bad = deska(['mirror', 'build', '--data', data, '--out', join(tmp.path, 'bad-site')]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /boards\.demo\.pageSize musí být celé číslo od 10 do 500/);
  noStackTrace(bad);
  assert.ok(!existsSync(join(tmp.path, 'bad-site')));

  writeFileSync(join(data, 'mirror.json'), '{ "boards": ');
  const broken = deska(['mirror', 'build', '--data', data, '--out', join(tmp.path, 'bad-site')]);
  assert.equal(broken.code, 1);
  assert.match(broken.err, /není platný JSON/);
  noStackTrace(broken);

  const url = deska(['mirror', 'build', '--data', data, '--out', join(tmp.path, 'bad-site'), '--public-url', 'ftp://x']);
  assert.equal(url.code, 2);
  assert.match(url.err, /--public-url must be an http\(s\):\/\/ address/);
  noStackTrace(url);

  const board = deska(['mirror', 'build', '--data', data, '--out', join(tmp.path, 'bad-site'), '--board', 'jina']);
  assert.equal(board.code, 1);
  noStackTrace(board);
});
