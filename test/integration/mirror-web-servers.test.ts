/**
 * The mirror served by a real nginx with docs/nginx-mirror.conf (and a real Caddy with
 * docs/caddy-mirror.Caddyfile where Caddy is installed), checked for the failures most
 * often reported against Czech boards' open data: CORS missing, the OFN file invalid against the
 * official schema, the catalogue record not linking to the standard; plus content types and
 * compression. The same checks are shown to fail on a server without CORS and on broken records.
 * Skipped (with the reason) where nginx is not installed: apt-get install nginx-light; the Caddy
 * test where caddy is not (apt-get install caddy, or DESKA_CADDY=path).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildMirror } from '../../src-main/mirror/build.ts';
import { datasetRecord } from '../../src-main/mirror/dcat.ts';
import { toOfn } from '../../src-main/mirror/ofn.ts';
import { absoluteUrl, OFN_PATH } from '../../src-main/mirror/paths.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import { isPostedAt } from '../../src-main/shared/domain.ts';
import { datasetProblems, ofnProblems, servedProblems } from '../helpers/opendata-check.ts';
import { createOfnValidator } from '../helpers/ofn-validator.ts';
import { tempDir } from '../helpers/tmp.ts';

const CONF = fileURLToPath(new URL('../../docs/nginx-mirror.conf', import.meta.url));
const CADDYFILE = fileURLToPath(new URL('../../docs/caddy-mirror.Caddyfile', import.meta.url));
const CADDY = [process.env.DESKA_CADDY, '/usr/bin/caddy', '/usr/local/bin/caddy'].find((p) => p && existsSync(p)) ?? null;
const SKIP_CADDY = CADDY === null ? 'caddy is not installed (apt-get install caddy, or DESKA_CADDY=path)' : false;
const NGINX = [process.env.DESKA_NGINX, '/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => p && existsSync(p)) ?? null;
const SKIP = NGINX === null ? 'nginx is not installed (apt-get install nginx-light); the served-mirror checks need a real web server' : false;

const validator = createOfnValidator();
const tmp = tempDir();
let nginx: ChildProcess | null = null;
let caddy: ChildProcess | null = null;
let good = '';
let noCors = '';
let pdfPath = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** docs/nginx-mirror.conf with only the CHANGE values replaced (and, for `cors: false`, its CORS lines dropped). */
function serverBlock(port: number, root: string, cors: boolean): string {
  let conf = readFileSync(CONF, 'utf8')
    .replace(/listen 80;/, `listen 127.0.0.1:${port};`)
    .replace(/server_name deska\.example\.cz;/, 'server_name 127.0.0.1;')
    .replace(/root \/srv\/deska\/site;/, `root ${root};`);
  if (!cors) conf = conf.replace(/^\s*add_header Access-Control-[^\n]*\n/gm, '');
  assert.ok(conf.includes(`root ${root};`) && conf.includes(`listen 127.0.0.1:${port};`), 'the CHANGE values were found');
  return conf;
}

/** Starts a server and waits until `url` answers; throws with its output when it does not. */
async function startServer(cmd: string, args: string[], url: string, env: NodeJS.ProcessEnv, logFile?: string): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  for (let i = 0; ; i++) {
    const up = await fetch(url).then(
      () => true,
      () => false,
    );
    if (up) return child;
    if (i > 100 || child.exitCode !== null) {
      child.kill();
      throw new Error(`${cmd} did not start: ${output}${logFile && existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await gone;
}

let caddyBase = '';

before(async () => {
  if (CADDY !== null) {
    const port = await freePort();
    caddyBase = `http://127.0.0.1:${port}/`;
    const { manifest, files } = sampleBoard();
    const site = join(tmp.path, 'caddy-site');
    await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)!, settings: { publicUrl: caddyBase } }, site);
    const dir = join(tmp.path, 'caddy');
    mkdirSync(dir, { recursive: true });
    const conf = readFileSync(CADDYFILE, 'utf8')
      .replace(/^deska\.example\.cz \{/m, `{\n\tadmin off\n}\n\n${caddyBase.slice(0, -1)} {`)
      .replace(/root \* \/srv\/deska\/site/, `root * ${site}`);
    assert.ok(conf.includes(`root * ${site}`) && conf.includes(`${caddyBase.slice(0, -1)} {`), 'the CHANGE values were found');
    writeFileSync(join(dir, 'Caddyfile'), conf);
    caddy = await startServer(CADDY, ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], caddyBase, { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir });
  }
  if (NGINX === null) return;
  const [port, port2] = [await freePort(), await freePort()];
  good = `http://127.0.0.1:${port}/`;
  noCors = `http://127.0.0.1:${port2}/`;
  const { manifest, files } = sampleBoard();
  const site = join(tmp.path, 'site');
  await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)!, settings: { publicUrl: good } }, site);
  const site2 = join(tmp.path, 'site2');
  await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)!, settings: { publicUrl: noCors } }, site2);
  pdfPath = `soubory/${manifest.notices.find((n) => isPostedAt(n, SAMPLE_AT) && n.attachments.length > 0)!.attachments[0]!.sha256}.pdf`;
  const prefix = join(tmp.path, 'nginx');
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  writeFileSync(join(prefix, 'good.conf'), serverBlock(port, site, true));
  writeFileSync(join(prefix, 'no-cors.conf'), serverBlock(port2, site2, false));
  // Temporary folders are private (0700): as root, the workers must stay root to read them.
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
  include ${prefix}/good.conf;
  include ${prefix}/no-cors.conf;
}
`,
  );
  nginx = await startServer(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf')], good, process.env, join(prefix, 'logs/error.log'));
});

after(async () => {
  await stop(nginx, 'SIGQUIT');
  await stop(caddy, 'SIGTERM');
  tmp[Symbol.dispose]();
});

/**
 * Problems of the answers for missing paths: each must be the mirror's own 404 page (status 404,
 * text/html, noindex) in the language version of the path, with CORS, and its stylesheet must
 * load from the page's address (its links start at the host's root, at any depth).
 */
async function notFoundProblems(base: string): Promise<string[]> {
  const problems: string[] = [];
  const cases: [string, string, RegExp][] = [
    ['oznameni/2026-9999/', 'cs', /Tuto stránku jsme nenašli/],
    ['kategorie/neni/razeni/nazev/strana/9/', 'cs', /Tuto stránku jsme nenašli/],
    [`soubory/${'0'.repeat(64)}.pdf`, 'cs', /Tuto stránku jsme nenašli/],
    ['kategorie/neni/atom.xml', 'cs', /Tuto stránku jsme nenašli/],
    ['en/oznameni/2026-9999/', 'en', /We could not find this page/],
    ['cs/neni/', 'cs', /Tuto stránku jsme nenašli/],
  ];
  for (const [path, lang, words] of cases) {
    const url = new URL(path, base);
    const res = await fetch(url);
    const body = await res.text();
    if (res.status !== 404) problems.push(`${path}: status ${res.status}, not 404`);
    if (!/^text\/html\b/.test(res.headers.get('content-type') ?? '')) problems.push(`${path}: content type ${res.headers.get('content-type')}`);
    if (res.headers.get('access-control-allow-origin') !== '*') problems.push(`${path}: CORS missing on the 404 answer`);
    if (!body.includes(`<html lang="${lang}">`) || !words.test(body)) problems.push(`${path}: not the mirror's ${lang} 404 page: ${body.slice(0, 200)}`);
    if (!body.includes('<meta name="robots" content="noindex">')) problems.push(`${path}: no noindex`);
    const css = /<link rel="stylesheet" href="([^"]+)">/.exec(body)?.[1];
    const style = css === undefined ? null : await fetch(new URL(css, url));
    if (style === null || style.status !== 200 || !/^text\/css\b/.test(style.headers.get('content-type') ?? '')) problems.push(`${path}: its stylesheet ${css} does not load (${style?.status})`);
    await style?.arrayBuffer();
  }
  // The page asked for by its own name is there too (a link a visitor may share).
  if ((await fetch(new URL('404.html', base))).status !== 200) problems.push('404.html itself does not answer');
  return problems;
}

test('nginx with docs/nginx-mirror.conf: CORS, content types, compression, valid OFN, a catalogue record linking the standard', { skip: SKIP }, async () => {
  assert.deepEqual(await servedProblems(good, validator, pdfPath), []);
  // Every notice and document the open data names is there to fetch.
  const ofn = (await (await fetch(new URL(OFN_PATH, good))).json()) as { informace: { url: string; dokument?: { url: string }[] }[] };
  for (const url of ofn.informace.flatMap((i) => [i.url, ...(i.dokument ?? []).map((d) => d.url)])) assert.equal((await fetch(url, { method: 'HEAD' })).status, 200, url);
  // A visitor after a swap: the symlink is resolved per request.
  assert.equal((await fetch(new URL('o-desce/', good))).status, 200);
  // A missing path anywhere: the mirror's own 404 page, in the path's language, status 404.
  assert.deepEqual(await notFoundProblems(good), []);
});

test('Caddy with docs/caddy-mirror.Caddyfile: the same checks', { skip: SKIP_CADDY }, async () => {
  const { manifest } = sampleBoard();
  const pdf = `soubory/${manifest.notices.find((n) => isPostedAt(n, SAMPLE_AT) && n.attachments.length > 0)!.attachments[0]!.sha256}.pdf`;
  assert.deepEqual(await servedProblems(caddyBase, validator, pdf), []);
  const res = await fetch(new URL(pdf, caddyBase));
  await res.arrayBuffer();
  assert.match(res.headers.get('cache-control') ?? '', /immutable/);
  assert.deepEqual(await notFoundProblems(caddyBase), []);
});

test("the 404 checks catch a server answering a missing path with its own page", { skip: SKIP }, async () => {
  // The server without CORS answers 404 with its page too, but without CORS: the check says so.
  assert.ok((await notFoundProblems(noCors)).some((p) => /CORS missing on the 404 answer/.test(p)));
});

test('the checks catch a server without CORS', { skip: SKIP }, async () => {
  const problems = await servedProblems(noCors, validator, pdfPath);
  assert.ok(problems.some((p) => /opendata\/uredni-deska\.jsonld: CORS missing/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /CORS preflight/.test(p)), problems.join('\n'));
});

test('the checks catch an OFN file invalid against the schema and a catalogue record without the standard or the file', () => {
  const { manifest } = sampleBoard();
  const doc = toOfn(manifest, SAMPLE_AT);
  assert.deepEqual(ofnProblems(doc, validator), []);
  const { stránka: _page, ...noPage } = doc;
  assert.ok(ofnProblems(noPage, validator).length > 0);
  assert.ok(ofnProblems({ ...doc, informace: [{ ...(doc.informace as object[])[0], vyvěšení: '2026-11-16' }] }, validator).length > 0);

  const board = manifest.board;
  const ofnUrl = absoluteUrl(board, OFN_PATH);
  const dataset = datasetRecord(board, { contact: { email: 'podatelna@horni-lhota.example' } });
  assert.deepEqual(datasetProblems(dataset, ofnUrl), []);
  assert.ok(datasetProblems({ ...dataset, specifikace: [] }, ofnUrl).some((p) => /does not link to the standard/.test(p)));
  const dist = (dataset.distribuce as Record<string, unknown>[])[0]!;
  assert.ok(datasetProblems({ ...dataset, distribuce: [{ ...dist, soubor_ke_stažení: 'https://jinde.example/data.json' }] }, ofnUrl).some((p) => /no distribution downloading/.test(p)));
  assert.ok(datasetProblems({ ...dataset, distribuce: [{ ...dist, schéma: undefined }] }, ofnUrl).some((p) => /does not name the schema/.test(p)));
  assert.ok(datasetProblems({ ...dataset, licence: 'CC0' }, ofnUrl).some((p) => /terms the context does not define: licence/.test(p)));
});
