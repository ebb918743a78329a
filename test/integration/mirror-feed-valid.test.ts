/**
 * Every Atom feed of the mirror (the board's and each category's, in every language version, on a
 * Czech and a Polish board, an empty one, and one of 250 notices whose feeds carry the newest 100) against the RELAX NG grammar of RFC 4287
 * (schemas/atom/atom.rnc), checked by Jing: a validator of our own choosing is not the only judge.
 * Jing is the one bundled in vnu.jar (the npm package vnu-jar, or DESKA_VNU_JAR), run with Java;
 * without either the test is skipped with the reason. The grammar's Schematron rules are checked
 * by test/unit/mirror-build.test.ts.
 *
 * No offline feed validator is packaged for Debian 12 or on npm (Debian's feedvalidator, the W3C
 * validator's code, left with Python 2; the npm packages named so call the W3C's online service).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { benchBoard } from '../../bench/mirror-data.ts';
import { buildMirror } from '../../src-main/mirror/build.ts';
import { FEED_MAX_ENTRIES, feedFiles } from '../../src-main/mirror/feeds.ts';
import { categoriesOf } from '../../src-main/mirror/pages.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import { isPostedAt } from '../../src-main/shared/domain.ts';
import { tempDir } from '../helpers/tmp.ts';

const JAR = [process.env.DESKA_VNU_JAR, fileURLToPath(new URL('../../node_modules/vnu-jar/build/dist/vnu.jar', import.meta.url))].find((p) => p && existsSync(p)) ?? null;
const JAVA = spawnSync('java', ['-version'], { encoding: 'utf8' }).status === 0;
const SKIP = JAR === null ? 'vnu.jar not found (npm package vnu-jar, or DESKA_VNU_JAR)' : !JAVA ? 'java not installed (Jing runs on Java)' : false;
const GRAMMAR = fileURLToPath(new URL('../../schemas/atom/atom.rnc', import.meta.url));
const JING = 'nu.validator.vendor.thaiopensource.relaxng.util.Driver';

/** Jing's errors for `files` ("file:line:col: error: …"), none when all are valid. */
function jing(files: string[]): string[] {
  const r = spawnSync('java', ['-cp', JAR!, JING, '-c', GRAMMAR, ...files], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  assert.notEqual(r.status, null, `jing did not finish: ${r.error?.message ?? ''}`);
  const errors = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '');
  assert.equal(r.status === 0, errors.length === 0, `jing said ${r.status} with ${errors.join('\n')}`);
  return errors;
}

function feeds(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name === 'atom.xml')
    .map((e) => join(e.parentPath, e.name));
}

test('every Atom feed is valid against the RELAX NG grammar of RFC 4287 (and a broken feed is not)', { skip: SKIP, timeout: 600_000 }, async () => {
  using tmp = tempDir();
  const all: string[] = [];
  for (const [name, locale, empty] of [['cs', undefined, false], ['pl', 'pl-PL', false], ['empty', undefined, true]] as const) {
    const { manifest, files } = sampleBoard();
    if (locale) manifest.board = { ...manifest.board, locale };
    if (empty) manifest.notices = [];
    const out = join(tmp.path, name);
    await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)! }, out);
    all.push(...feeds(out));
  }
  // A board of 250 notices (some corrected): its feeds cut to the newest 100 postings (feeds.ts FEED_MAX_ENTRIES).
  const { manifest, at } = benchBoard(250, { corrected: true });
  const shown = manifest.notices.filter((n) => isPostedAt(n, at));
  const many = join(tmp.path, 'many');
  for (const f of feedFiles(manifest.board, at, shown, categoriesOf(shown))) {
    if (!f.path.endsWith('atom.xml')) continue;
    mkdirSync(dirname(join(many, f.path)), { recursive: true });
    writeFileSync(join(many, f.path), f.content);
  }
  assert.equal(readFileSync(join(many, 'atom.xml'), 'utf8').match(/<entry>/g)?.length, FEED_MAX_ENTRIES);
  all.push(...feeds(many));
  // The board's and four categories' feeds in two versions, the Polish board's in three, the empty board's in two, the large board's in two.
  assert.ok(all.length >= 10 + 15 + 2 + 18, `${all.length} feeds`);
  assert.ok(all.some((f) => f.endsWith('/en/atom.xml')) && all.some((f) => f.includes('/en/kategorie/')));
  assert.deepEqual(jing(all), []);
  // The check can fail: a date in the board's format and an entry without its id are refused.
  const good = readFileSync(all.find((f) => f.endsWith('/cs/en/atom.xml'))!, 'utf8');
  const bad = join(tmp.path, 'bad.xml');
  writeFileSync(bad, good.replace(/<updated>[^<]*<\/updated>/, '<updated>20. 11. 2026 14:05</updated>'));
  assert.ok(jing([bad]).some((l) => /updated/.test(l)));
  writeFileSync(bad, good.replace(/<entry>\n<id>[^<]*<\/id>/, '<entry>\n'));
  assert.ok(jing([bad]).length > 0);
  writeFileSync(bad, good.replace('<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">', '<summary type="xhtml"><div>'));
  assert.ok(jing([bad]).length > 0, 'an XHTML summary outside the XHTML namespace');
});
