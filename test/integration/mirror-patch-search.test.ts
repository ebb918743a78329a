/**
 * Search on a patched release (mirror/patch.ts), in real Chromium over loopback HTTP: the index
 * still holds what the release was built from until the settling build, so a notice withdrawn by
 * the patch and a notice corrected by it (its old words may be what the correction took out) are
 * never listed; the others are found as before; after the settle, the corrected one is found by
 * its new words only.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { buildMirrorJob } from '../../src-main/channels/mirror-job.ts';
import { forgetReleases, patchMirrorJob } from '../../src-main/mirror/patch.ts';
import type { FeedManifest } from '../../src-main/shared/feed.ts';
import { sha256, splitManifest } from '../../src-main/store/snapshot-parts.ts';
import { benchBoard } from '../../bench/mirror-data.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { tempDir } from '../helpers/tmp.ts';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json; charset=utf-8' };

/** A plain static server reading through the mirror's symlink on every request. */
function serveStatic(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    void (async () => {
      let path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      if (path.includes('..')) return res.writeHead(400).end();
      if (path.endsWith('/')) path += 'index.html';
      const file = join(root, path);
      try {
        if ((await stat(file)).isDirectory()) return res.writeHead(301, { location: `${req.url}/` }).end();
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    })();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/` });
    }),
  );
}

function parts(manifest: FeedManifest): { bytes: Uint8Array; frame: Buffer; hashes: Buffer; bodies: Record<string, Uint8Array> } {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const split = splitManifest(bytes);
  const hashes = split.notices.map((b) => sha256(b));
  return { bytes, frame: split.frame, hashes: Buffer.concat(hashes), bodies: Object.fromEntries(hashes.map((h, i) => [h.toString('hex'), split.notices[i]!])) };
}

test('search on a patched release: a withdrawn and a corrected notice are not listed until the settle; the others are found', async () => {
  using tmp = tempDir();
  const { manifest, files, notices, at } = benchBoard(24);
  const blobDir = join(tmp.path, 'blobs');
  for (const [sha, bytes] of files) {
    mkdirSync(join(blobDir, sha.slice(0, 2)), { recursive: true });
    writeFileSync(join(blobDir, sha.slice(0, 2), sha), bytes);
  }
  const [x, y, z] = [notices[3]!, notices[9]!, notices[14]!];
  x.title = 'Kanárek na návsi';
  y.title = 'Papoušek Jana Nováka';
  z.title = 'Sýkorka u rybníka';
  const out = join(tmp.path, 'site');
  const common = { blobDir, outDir: out, digestDir: null, publicKey: null, settings: { pageSize: 10 } };
  const build = async (): Promise<void> => {
    const p = parts(manifest);
    await buildMirrorJob({ ...common, manifest: p.bytes, at, large: false, hashes: p.hashes });
  };
  forgetReleases();
  await build();
  const site = await serveStatic(out);
  const browser = await launchBrowser();
  const searchFor = async (word: string): Promise<string[]> => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.url}hledani/?q=${encodeURIComponent(word)}`);
    await page.locator('#vysledky .search-status:not(:text("Hledám"))').waitFor();
    const titles = await page.locator('#vysledky ol.hits h2 a').allInnerTexts();
    await context.close();
    return titles;
  };
  try {
    assert.deepEqual(await searchFor('kanarek'), [x.title]);
    assert.deepEqual(await searchFor('papousek'), [y.title]);
    // The patch: x withdrawn, y corrected (the name taken out of its title).
    x.removeAt = new Date(at - 1).toISOString();
    y.title = 'Papoušek';
    y.revision++;
    manifest.snapshot.seq++;
    const p = parts(manifest);
    const r = await patchMirrorJob({ ...common, at, frame: p.frame, hashes: p.hashes, bodies: p.bodies });
    assert.ok(r.patched, r.patched ? '' : r.why);
    assert.deepEqual(await searchFor('kanarek'), []);
    assert.deepEqual(await searchFor('novaka'), [], 'the words a correction took out find nothing');
    assert.deepEqual(await searchFor('sykorka'), [z.title], 'the other notices are found');
    // The settle: the index made anew.
    manifest.snapshot.seq++;
    await build();
    assert.deepEqual(await searchFor('novaka'), []);
    assert.deepEqual(await searchFor('papousek'), ['Papoušek']);
    assert.deepEqual(await searchFor('kanarek'), []);
  } finally {
    await browser.close();
    site.server.close();
  }
});
