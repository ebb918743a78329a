/**
 * The mirror's full build beside Hugo and Eleventy, in one run: each tool renders the same
 * 10,000-notice board (mirror-data.ts, every 10th notice corrected once) into equivalent pages,
 * with its output on disk and in memory; medians of BENCH_RUNS runs (default 3). Every build is
 * one process, measured from outside by GNU time (wall, user + system CPU, peak RSS), so each
 * tool pays for its own start-up and for reading its input.
 *   node bench/mirror-peers.ts        (BENCH_NOTICES=10000, BENCH_RUNS=3; BENCHMARKS.md section)
 *   BENCH_BASELINE=<a checkout> BENCH_BASELINE_LABEL=<what it is> …   adds Deska's rows from that tree (before / after)
 *   node bench/mirror-peers.ts --sites <dir>   writes the peers' sites only (<dir>/hugo, <dir>/eleventy), for profiling
 *
 * The same pages (the "peer set"), in Czech at the root and in English under en/:
 * - one page per notice: its metadata, documents (name, size, SHA-256) and change register;
 * - the paged lists, 50 a page, of all notices and of each of the 8 categories, in the 3 orders
 *   (newest, removal soonest, title): the category and order filter, the page links;
 * - the Atom feed of the board and of each category.
 * What is not the same:
 * - Deska's peer-set build leaves out the search index (Pagefind) and is measured with the search
 *   page, about, accessibility and digest pages, the CSS, the search script, the open data (OFN,
 *   DCAT) and the 2 documents still in (about 20 small files of its 22,000); the sitemap is
 *   Deska's own (one file). Deska's product build (buildMirror: new release, swap, search index,
 *   Pagefind indexes in a process of its own, in the wall time but not reliably in the CPU column:
 *   GNU time counts a child's CPU only once it is waited for) is measured apart.
 * - Hugo also writes a sitemap per language and a sitemap index (its built-in), an Atom feed
 *   under en/ too (a feed's outputs cannot differ by language) and a redirect page at cs/.
 * - Peers link root-relative ("/en/oznameni/…/"); Deska links relative ("../../en/…"), so its
 *   mirror works from any folder. Peers get the instants, sizes and the change register's lines
 *   already formatted in their data (Deska formats them itself, memoised); they sort themselves.
 *   Hugo sorts with its own ByDate and ByTitle and its general sort for the removal order (ties and
 *   titles in its own order; not ByParam, which can hang Hugo 0.111 beside ByTitle), each order once
 *   per language, the category lists filtered from it; Deska and Eleventy sort with the Czech
 *   collation; the lists hold the same notices. Each tool reuses what repeats in its own way: Hugo
 *   caches each list's filter and the footer (partialCached), Deska memoises a notice's list item.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { buildMirror, renderMirror, type MirrorInput } from '../src-main/mirror/build.ts';
import { categoriesOf, categoryName } from '../src-main/mirror/pages.ts';
import { CS, EN } from '../src-main/mirror/texts.ts';
import { day, offsetIso, wall } from '../src-main/mirror/when.ts';
import { formatSize } from '../src-main/shared/format.ts';
import type { FeedManifest, FeedNotice } from '../src-main/shared/feed.ts';
import { describeChange } from '../src-main/shared/revisions.ts';
import { benchBoard } from './mirror-data.ts';
import { replaceSection } from './sections.ts';

const root = resolve(import.meta.dirname, '..');
const HEADING = '## Mirror: full build beside Hugo and Eleventy';

/** Child: one Deska build of the manifest in `data` (mode: disk | memory | product | product-memory). */
async function deskaChild(mode: string, data: string, out: string): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(data, 'manifest.json'), 'utf8')) as FeedManifest;
  const input: MirrorInput = { manifest, at: Date.parse(manifest.snapshot.createdAt), readAttachment: async (sha) => readFileSync(join(data, 'files', sha)) };
  // Counted, not measured in bytes (that would cost the sink a UTF-8 pass over 200 MB): sizes come from the disk runs.
  let files = 0;
  const sink = (): void => {
    files++;
  };
  if (mode === 'disk') await renderMirror(input, out, { search: false });
  else if (mode === 'memory') await renderMirror(input, sink, { search: false });
  else if (mode === 'product') await buildMirror(input, out);
  else if (mode === 'product-memory') await renderMirror(input, sink);
  else throw new Error(`unknown mode ${mode}`);
  if (files > 0) console.log(JSON.stringify({ files }));
}

const N = Number(process.env.BENCH_NOTICES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

if (process.argv[2] === '--deska') {
  await deskaChild(process.argv[3]!, process.argv[4]!, process.argv[5]!);
  process.exit(0);
}


/** i18next's "{{x}}" and "{{- x}}" as "{x}", for the peers' plain replacements. */
function plainWords(texts: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(texts).map(([k, v]) => [k, v.replace(/\{\{-?\s*(\w+)\}\}/g, '{$1}')]));
}

/** The peers' input: the board, its categories, the words and each notice with its values formatted. */
function peerData(manifest: FeedManifest, at: number): { site: Record<string, unknown>; notices: Record<string, unknown>[] } {
  const { board } = manifest;
  const tz = board.timeZone;
  const instant = (iso: string): { iso: string; wall: string } => ({ iso: offsetIso(Date.parse(iso), tz), wall: wall(Date.parse(iso), tz) });
  const categories = categoriesOf(manifest.notices);
  const slug = new Map(categories.map((c) => [c.name, c.slug]));
  const notices = manifest.notices.map((n: FeedNotice) => {
    const removal = n.removeAt === null ? 'do odvolání' : wall(Date.parse(n.removeAt), tz);
    return {
      id: n.id,
      title: n.title,
      category: categoryName(n),
      catSlug: slug.get(categoryName(n))!,
      department: n.department,
      posted: instant(n.postAt),
      postMs: Date.parse(n.postAt),
      removal: n.removeAt === null ? null : instant(n.removeAt),
      removeMs: n.removeAt === null ? 9e15 : Date.parse(n.removeAt),
      ref: n.referenceNumber,
      fileMark: n.fileMark,
      publishedDay: day(Date.parse(n.publishedAt), tz),
      description: n.description,
      attachments: n.attachments.map((a) => ({ name: a.name, sha: a.sha256, size: formatSize(a.size) })),
      register: (n.register ?? []).length < 2 ? null : n.register!.map((r) => ({ version: r.revision, at: instant(r.at), actor: r.actor, why: r.reason, hash: r.contentSha256, what: r.changes.map((c) => describeChange(c, (iso) => wall(Date.parse(iso), tz))) })),
      updated: offsetIso(Date.parse(n.register?.at(-1)?.at ?? n.postAt), tz),
      summary: [`Vyvěšeno ${wall(Date.parse(n.postAt), tz)}, sejmutí ${removal}.`, n.department ? `Původce: ${n.department}.` : '', n.referenceNumber ? `Č. j. ${n.referenceNumber}.` : '', n.description].filter(Boolean).join(' '),
    };
  });
  const updated = offsetIso(Math.max(...notices.map((n) => Date.parse(n.updated))), tz);
  const site = {
    board: { name: board.name, ico: board.ico, url: board.publicUrl },
    at: { iso: offsetIso(at, tz), wall: wall(at, tz) },
    updated,
    total: notices.length,
    categories,
    sorts: ['nejnovejsi', 'sejmuti', 'nazev'],
    sortKeys: { nejnovejsi: 'sortNewest', sejmuti: 'sortRemoval', nazev: 'sortTitle' },
    words: { cs: plainWords(CS), en: plainWords(EN) },
  };
  return { site, notices };
}

/** Hugo's site: the templates (bench/peers/hugo) and a content file per notice and per list. */
function hugoSite(dir: string, site: Record<string, unknown>, notices: Record<string, unknown>[]): void {
  cpSync(join(root, 'bench/peers/hugo'), dir, { recursive: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'data/site.json'), JSON.stringify(site));
  const page = (path: string, front: Record<string, unknown>): void => {
    mkdirSync(join(dir, 'content', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'content', path), `${JSON.stringify(front, null, 1)}\n`);
  };
  const hidden = { _build: { render: 'never', list: 'never' } };
  // Hugo's own page date (its ByDate sort): the posting instant.
  for (const n of notices) page(`oznameni/${n.id as string}.md`, { ...n, date: new Date(n.postMs as number).toISOString() });
  page('oznameni/_index.md', hidden);
  page('razeni/_index.md', hidden);
  page('kategorie/_index.md', hidden);
  page('_index.md', { title: 'Úřední deska', sort: 'nejnovejsi' });
  for (const sort of ['sejmuti', 'nazev']) page(`razeni/${sort}/_index.md`, { title: sort, sort });
  for (const c of site.categories as { name: string; slug: string }[]) {
    page(`kategorie/${c.slug}/_index.md`, { title: c.name, category: c.name, catSlug: c.slug, sort: 'nejnovejsi', outputs: ['HTML', 'Atom'] });
    page(`kategorie/${c.slug}/razeni/_index.md`, hidden);
    for (const sort of ['sejmuti', 'nazev']) page(`kategorie/${c.slug}/razeni/${sort}/_index.md`, { title: c.name, category: c.name, catSlug: c.slug, sort });
  }
}

/** Eleventy's site: the templates (bench/peers/eleventy) and the data in _data/site.json. */
function eleventySite(dir: string, site: Record<string, unknown>, notices: Record<string, unknown>[]): void {
  cpSync(join(root, 'bench/peers/eleventy'), dir, { recursive: true });
  mkdirSync(join(dir, '_data'), { recursive: true });
  writeFileSync(join(dir, '_data/site.json'), JSON.stringify({ ...site, notices }));
}

interface Measured {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
  stdout: string;
}

/** Runs `cmd` under GNU time; its wall and CPU time (children included) and peak RSS. */
/** The 1-minute load average as each build started (the machine is shared). */
const loads: number[] = [];
/** Builds that failed (left out of the medians). */
const failures: string[] = [];

function timed(cmd: string, args: string[], cwd = root): Measured | null {
  loads.push(loadavg()[0]!);
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, NODE_OPTIONS: '' } });
  const field = (name: string): string => new RegExp(`^\\s*${name}: (.+)$`, 'm').exec(r.stderr)?.[1]?.trim() ?? '';
  if (r.status !== 0) {
    // One failed build (e.g. a peer's own time limit on a busy machine) costs its run, not the whole bench.
    console.error(`mirror-peers: ${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-1500)}`);
    failures.push(`${basename(args.find((a) => !a.startsWith('-')) ?? cmd)} ${args.filter((a) => a.startsWith('--') && !a.includes('=')).join(' ')}`.trim());
    return null;
  }
  // "m:ss.ss" or "h:mm:ss"
  const wallS = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)').split(':').map(Number).reduce((a, x) => a * 60 + x, 0);
  return { wallMs: wallS * 1000, cpuMs: (Number(field('User time \\(seconds\\)')) + Number(field('System time \\(seconds\\)'))) * 1000, rssMb: Number(field('Maximum resident set size \\(kbytes\\)')) / 1024, stdout: r.stdout };
}

/** Files and bytes under `dir`. */
function sizeOf(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.isFile()) {
        files++;
        bytes += statSync(join(d, e.name)).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function mirrorPeers(): Promise<string> {
  const hugo = spawnSync('hugo', ['version'], { encoding: 'utf8' });
  const hugoVersion = hugo.status === 0 ? /v[\d.]+/.exec(hugo.stdout)?.[0] ?? hugo.stdout.trim() : null;
  if (hugoVersion === null) console.error('mirror-peers: Hugo is not installed (apt-get install hugo): its rows are left out.');
  const eleventyVersion = (JSON.parse(readFileSync(join(root, 'node_modules/@11ty/eleventy/package.json'), 'utf8')) as { version: string }).version;

  let baselineLabel: string | null = null;
  const load = loadavg().map((l) => l.toFixed(2)).join(', ');
  const work = mkdtempSync(join(tmpdir(), 'deska-bench-peers-'));
  try {
    const { manifest, files, at } = benchBoard(N, { corrected: true });
    manifest.snapshot.createdAt = new Date(at).toISOString();
    const data = join(work, 'data');
    mkdirSync(join(data, 'files'), { recursive: true });
    writeFileSync(join(data, 'manifest.json'), JSON.stringify(manifest));
    for (const [sha, bytes] of files) writeFileSync(join(data, 'files', sha), bytes);
    const { site, notices } = peerData(manifest, at);
    const hugoDir = join(work, 'hugo');
    if (hugoVersion) hugoSite(hugoDir, site, notices);
    const elDir = join(work, 'eleventy');
    eleventySite(elDir, site, notices);
    const eleventyCmd = join(root, 'node_modules/@11ty/eleventy/cmd.cjs');

    type Row = { tool: string; mode: string; runs: Measured[]; size?: { files: number; bytes: number }; files?: number };
    const rows: Row[] = [];
    const row = (tool: string, mode: string): Row => {
      let r = rows.find((x) => x.tool === tool && x.mode === mode);
      if (!r) rows.push((r = { tool, mode, runs: [] }));
      return r;
    };
    const out = join(work, 'out');
    const onDisk = (tool: string, mode: string, cmd: string, args: string[], dir = out, cwd = root): void => {
      rmSync(out, { recursive: true, force: true });
      rmSync(`${out}.releases`, { recursive: true, force: true });
      const r = row(tool, mode);
      const m = timed(cmd, args, cwd);
      if (m === null) return;
      r.runs.push(m);
      r.size = sizeOf(dir);
    };
    const inMemory = (tool: string, mode: string, cmd: string, args: string[], cwd = root): void => {
      const m = timed(cmd, args, cwd);
      const r = row(tool, mode);
      if (m === null) return;
      r.runs.push(m);
      const last = m.stdout.trim().split('\n').at(-1) ?? '';
      if (last.startsWith('{')) r.files = (JSON.parse(last) as { files: number }).files;
    };
    const self = join(root, 'bench/mirror-peers.ts');
    for (let i = 0; i < RUNS; i++) {
      console.error(`mirror-peers: run ${i + 1}/${RUNS}`);
      // Interleaved, so that a busy moment of the shared machine falls on every tool alike.
      onDisk('Deska', 'disk', process.execPath, [self, '--deska', 'disk', data, out]);
      if (hugoVersion) onDisk('Hugo', 'disk', 'hugo', ['--quiet', '-s', hugoDir, '-d', out]);
      onDisk('Eleventy', 'disk', process.execPath, [eleventyCmd, '--quiet', '--input=.', `--output=${out}`, '--config=eleventy.config.mjs'], out, elDir);
      inMemory('Deska', 'memory', process.execPath, [self, '--deska', 'memory', data, out]);
      if (hugoVersion) inMemory('Hugo', 'memory', 'hugo', ['--quiet', '-s', hugoDir, '--renderToMemory']);
      inMemory('Eleventy', 'memory', process.execPath, [join(root, 'bench/peers/eleventy/memory.mjs')], elDir);
      for (const r of rows) console.error(`  ${r.tool} ${r.mode}: ${r.runs.map((m) => `${(m.wallMs / 1000).toFixed(1)} s wall, ${(m.cpuMs / 1000).toFixed(1)} s CPU`).join(' | ')}`);
    }
    // The same Deska rows from an earlier tree (BENCH_BASELINE: a checkout with this file in it), for before and after.
    const baseline = process.env.BENCH_BASELINE;
    baselineLabel = baseline ? (process.env.BENCH_BASELINE_LABEL ?? baseline) : null;
    if (baseline) {
      const before = join(resolve(baseline), 'bench/mirror-peers.ts');
      for (let i = 0; i < RUNS; i++) {
        onDisk('Deska before', 'disk', process.execPath, [before, '--deska', 'disk', data, out]);
        inMemory('Deska before', 'memory', process.execPath, [before, '--deska', 'memory', data, out]);
      }
    }
    // Deska's product build: everything above plus the search index, a release and the swap.
    for (let i = 0; i < RUNS; i++) {
      onDisk('Deska product', 'disk', process.execPath, [self, '--deska', 'product', data, out], out);
      inMemory('Deska product', 'memory', process.execPath, [self, '--deska', 'product-memory', data, out]);
    }
    // Sizes from the disk runs (the memory runs' file counts are checked against them).
    for (const r of rows) {
      if (r.mode !== 'memory') continue;
      const disk = row(r.tool, 'disk');
      if (r.files !== undefined && disk.size && r.files !== disk.size.files) console.error(`mirror-peers: ${r.tool} made ${r.files} files in memory, ${disk.size.files} on disk`);
      r.size = disk.size;
    }

    const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    const mb = (b: number): string => `${Math.round(b / 1e6)} MB`;
    const table = [
      '| tool | output | median wall | median CPU (user + sys) | peak RSS | files | bytes |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows.filter((r) => r.runs.length > 0).map((r) => `| ${r.tool} | ${r.mode === 'disk' ? 'on disk' : 'in memory'} | ${s(median(r.runs.map((m) => m.wallMs)))} | ${s(median(r.runs.map((m) => m.cpuMs)))} | ${Math.round(median(r.runs.map((m) => m.rssMb)))} MB | ${r.size?.files ?? '—'} | ${r.size ? mb(r.size.bytes) : '—'} |`),
    ].join('\n');
    const after = loadavg().map((l) => l.toFixed(2)).join(', ');
    const section = [
      HEADING,
      '',
      `Command: \`BENCH_NOTICES=${N} BENCH_RUNS=${RUNS} node bench/mirror-peers.ts\` (also run by \`npm run bench\`), ${new Date().toISOString().slice(0, 16)}Z on`,
      `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Hugo ${hugoVersion ?? '(not installed)'}, Eleventy ${eleventyVersion}.`,
      `Machine load (uptime's 1, 5, 15 min averages) before the run: ${load}; after: ${after}; as each build started: ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)}. Medians of ${RUNS} runs, each one process measured by GNU time.`,
      '',
      table,
      '',
      ...(failures.length ? [`Failed builds, left out of the medians: ${failures.join('; ')}.`, ''] : []),
      ...(hugoVersion ? [] : ['Hugo was not installed when this ran (`apt-get install hugo`): its rows are missing.', '']),
      `Each tool renders ${N} notices in two language versions (cs at the root, en/): a page per notice with its metadata, documents and change`,
      'register, the paged lists (50 a page) of all notices and of each of 8 categories in 3 orders, the Atom feeds. What differs is listed at',
      'the top of bench/mirror-peers.ts: Deska\'s peer-set rows leave out the search index; "Deska product" is the full product build (buildMirror:',
      "search index by Pagefind, release and swap; Pagefind's own process is in the wall time, not reliably in the CPU column). Hugo on disk:",
      'a normal build into a fresh folder; in memory: `--renderToMemory`. Eleventy on disk: its normal build (Nunjucks templates); in memory: its programmatic `toJSON()`. Deska in',
      'memory: `renderMirror` with a sink (every file rendered, nothing written). Peak RSS is the largest single process (GNU time).',
      ...(baselineLabel ? [`"Deska before": the same rows from ${baselineLabel}.`] : []),
      '',
    ].join('\n');
    return section;
  } finally {
    if (process.env.BENCH_KEEP) console.error(`mirror-peers: kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

/** Measures and writes (or replaces) this bench's section of BENCHMARKS.md; `npm run bench` runs it at the end. */
export async function writeMirrorPeersSection(): Promise<void> {
  const section = await mirrorPeers();
  replaceSection(join(root, 'BENCHMARKS.md'), HEADING, section);
  console.log(section);
}

/** The peers' sites only, for profiling a peer by hand (e.g. `hugo --templateMetrics -s <dir>/hugo --renderToMemory`). */
function writeSites(dir: string): void {
  const { manifest, at } = benchBoard(N, { corrected: true });
  const { site, notices } = peerData(manifest, at);
  hugoSite(join(dir, 'hugo'), site, notices);
  eleventySite(join(dir, 'eleventy'), site, notices);
  console.error(`mirror-peers: the peers' sites of ${N} notices in ${dir}/hugo and ${dir}/eleventy`);
}

if (import.meta.main && process.argv[2] === '--sites') writeSites(resolve(process.argv[3] ?? 'peer-sites'));
else if (import.meta.main) await writeMirrorPeersSection();
