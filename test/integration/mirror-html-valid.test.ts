/**
 * The Nu Html Checker (vnu.jar, run with Java) on every kind of mirror page: lists (paged, per
 * category, each order), a notice page with the change register, a notice with personal data, the
 * page about the board, the accessibility statement, the digests, a category that became empty;
 * and a mirror without a public URL. Zero errors and zero warnings.
 *
 * vnu.jar comes from the npm package vnu-jar (node_modules/vnu-jar/build/dist/vnu.jar) or from
 * DESKA_VNU_JAR; without it or without java the test is skipped with the reason.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildMirror } from '../../src-main/mirror/build.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import type { RegisterEntry } from '../../src-main/shared/revisions.ts';
import { tempDir } from '../helpers/tmp.ts';

const JAR = [process.env.DESKA_VNU_JAR, fileURLToPath(new URL('../../node_modules/vnu-jar/build/dist/vnu.jar', import.meta.url))].find((p) => p && existsSync(p)) ?? null;
const JAVA = spawnSync('java', ['-version'], { encoding: 'utf8' }).status === 0;
const SKIP = JAR === null ? 'vnu.jar not found (npm package vnu-jar, or DESKA_VNU_JAR)' : !JAVA ? 'java not installed (the Nu checker runs on Java)' : false;

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => join(e.parentPath, e.name));
}

/** Errors and warnings of the Nu checker, one line each ("file:line: message"). */
function nu(files: string[]): string[] {
  const r = spawnSync('java', ['-jar', JAR!, '--skip-non-html', '--format', 'json', ...files], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  assert.notEqual(r.status, null, `vnu did not finish: ${r.error?.message ?? ''}`);
  const out = JSON.parse(r.stderr || r.stdout) as { messages: { type: string; subType?: string; url?: string; lastLine?: number; message: string }[] };
  return out.messages.filter((m) => m.type === 'error' || m.subType === 'warning' || m.type === 'non-document-error').map((m) => `${m.url ?? ''}:${m.lastLine ?? ''}: ${m.type} ${m.message}`);
}

test('the Nu checker finds nothing on any kind of mirror page', { skip: SKIP, timeout: 600_000 }, async () => {
  using tmp = tempDir();
  const { manifest, files } = sampleBoard();
  const entry = (revision: number, at: string): RegisterEntry => ({
    revision,
    at,
    actor: 'referentka',
    reason: revision === 1 ? '' : 'Oprava překlepu v názvu',
    restartsPeriod: revision > 1,
    periodStartAt: at,
    lawfulRemoveAt: null,
    contentSha256: String(revision).repeat(64),
    changes: revision === 1 ? [] : [{ field: 'title', from: 'Zamer', to: 'Záměr' }],
  });
  manifest.notices.find((n) => n.id === '2026-0150')!.register = [entry(1, '2026-11-19T13:05:00.000Z'), entry(2, '2026-11-20T08:00:00.000Z')];
  const open = manifest.notices.find((n) => n.id === '2026-0099')!;
  for (let i = 1; i <= 24; i++) {
    const postAt = new Date(Date.parse('2026-01-05T09:00:00Z') + i * 86_400_000).toISOString();
    manifest.notices.push({ ...open, id: `2026-${String(i).padStart(4, '0')}`, title: `Starší oznámení č. ${i}`, category: i % 2 ? 'Rozpočet' : 'Oznámení', postAt, publishedAt: postAt, attachments: [], personalData: i === 3 });
  }
  const read = async (sha: string): Promise<Uint8Array> => files.get(sha)!;
  const gone = manifest.notices.find((n) => n.id === '2026-0100')!;
  const site = join(tmp.path, 'site');
  const settings = { pageSize: 10, contact: { name: 'Podatelna', email: 'podatelna@horni-lhota.example', phone: '+420 123 456 789' }, accessibility: { preparedOn: '2026-11-02', reviewedOn: '2026-11-03' }, archive: true };
  const archive = [{ ...gone, removedAt: gone.removeAt!, withdrawn: false }, { ...gone, id: '2026-0098', removedAt: gone.removeAt!, withdrawn: true }];
  // A category with notices in the build before and none now: its pages say so (a kind of page of its own);
  // the list of all notices is a page shorter now: its old last page says so (another kind).
  const earlier = { ...manifest, snapshot: { ...manifest.snapshot, seq: manifest.snapshot.seq - 1 }, notices: [...manifest.notices, ...Array.from({ length: 10 }, (_, i) => ({ ...open, id: `2026-03${String(i).padStart(2, '0')}`, title: 'Výběrové řízení', category: 'Výběrová řízení' }))] };
  await buildMirror({ manifest: earlier, at: SAMPLE_AT, readAttachment: read, settings, archive }, site);
  await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: read, settings, archive }, site);
  const bare = join(tmp.path, 'bare');
  await buildMirror({ manifest: { ...manifest, board: { ...manifest.board, publicUrl: '' } }, at: SAMPLE_AT, readAttachment: read }, bare);

  const pages = [...htmlFiles(site), ...htmlFiles(bare)];
  const kinds = ['index.html', 'strana/2/index.html', 'razeni/nazev/strana/3/index.html', 'kategorie/rozpocet/razeni/sejmuti/index.html', 'oznameni/2026-0150/index.html', 'oznameni/2026-0003/index.html', 'o-desce/index.html', 'pristupnost/index.html', 'digest/index.html', 'hledani/index.html', 'archiv/index.html', 'archiv/oznameni/2026-0100/index.html', 'kategorie/vyberova-rizeni/index.html', 'en/kategorie/vyberova-rizeni/razeni/nazev/index.html', 'strana/4/index.html', 'en/razeni/nazev/strana/4/index.html', '404.html', 'en/404.html'];
  for (const k of kinds) assert.ok(existsSync(join(site, k)), k);
  assert.match(readFileSync(join(site, 'oznameni/2026-0150/index.html'), 'utf8'), /Změny oznámení/);
  assert.match(readFileSync(join(site, 'strana/4/index.html'), 'utf8'), /Tato strana seznamu už neexistuje/);
  assert.ok(pages.length > 60, `${pages.length} pages checked`);
  assert.deepEqual(nu(pages), [], `Nu checker messages on ${pages.length} pages (${pages.map((p) => relative(tmp.path, p)).slice(0, 3).join(', ')}, …)`);
});

test('the Nu checker run is real: it reports an error in a broken page', { skip: SKIP }, () => {
  using tmp = tempDir();
  const bad = join(tmp.path, 'bad.html');
  writeFileSync(bad, '<!doctype html><html lang="cs"><head><title>x</title></head><body><p><div>blok v odstavci</p></div></body></html>');
  const found = nu([bad]);
  assert.ok(found.length > 0 && found.every((m) => / error /.test(m)), found.join('\n'));
});
