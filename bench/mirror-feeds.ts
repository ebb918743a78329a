/**
 * The mirror's feeds at 10,000 notices in 8 categories: what rendering the Atom feeds and the
 * sitemap from scratch costs (no memo: a fresh process's first build; memo.ts keeps the fragments after it), for the board's own version alone (what the
 * mirror wrote before the feeds had language versions) and for every version (cs and en, the
 * sitemap with hreflang alternates). CPU time of this process, median of the runs; prints a table.
 *   node bench/mirror-feeds.ts            (BENCH_NOTICES=10000, BENCH_RUNS=7)
 */
import { atomFeed, feedFiles, sitemaps } from '../src-main/mirror/feeds.ts';
import { categoriesOf, categoryName } from '../src-main/mirror/pages.ts';
import { sampleBoard, SAMPLE_AT } from '../src-main/mirror/sample.ts';
import type { FeedNotice } from '../src-main/shared/feed.ts';

const N = Number(process.env.BENCH_NOTICES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const CATEGORIES = ['Veřejná vyhláška', 'Záměr prodeje', 'Zasedání zastupitelstva', 'Rozpočet', 'Oznámení', 'Stavební řízení', 'Volby', 'Výběrové řízení'];

const { manifest } = sampleBoard();
const board = manifest.board;
const template = manifest.notices.find((n) => n.id === '2026-0142')!;
const shown: FeedNotice[] = Array.from({ length: N }, (_, i) => ({
  ...template,
  id: `b-${String(i).padStart(5, '0')}`,
  title: `Oznámení č. ${i}: ${template.title}`,
  category: CATEGORIES[i % CATEGORIES.length]!,
  postAt: new Date(SAMPLE_AT - (i + 1) * 3_600_000).toISOString(),
}));
const categories = categoriesOf(shown);

function cpuMs(fn: () => unknown): { ms: number; bytes: number } {
  const start = process.cpuUsage();
  const out = fn();
  const used = process.cpuUsage(start);
  const bytes = Array.isArray(out) ? out.reduce((s: number, f: { content: string }) => s + Buffer.byteLength(f.content), 0) : 0;
  return { ms: (used.user + used.system) / 1000, bytes };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const cases: [string, () => unknown][] = [
  ['Atom of the board and each category, the root version only', () => [atomFeed(board, SAMPLE_AT, shown), ...categories.map((c) => atomFeed(board, SAMPLE_AT, shown.filter((n) => categoryName(n) === c.name), c))].map((content) => ({ content }))],
  ['the same in English (en/)', () => [atomFeed(board, SAMPLE_AT, shown, null, 'en'), ...categories.map((c) => atomFeed(board, SAMPLE_AT, shown.filter((n) => categoryName(n) === c.name), c, 'en'))].map((content) => ({ content }))],
  // Files are joined when their content is first read: read inside the measured function.
  ['sitemap of both versions with hreflang alternates', () => sitemaps(board, shown, categories).map((f) => ({ content: f.content }))],
  ['feedFiles: everything above, as a build writes it', () => feedFiles(board, SAMPLE_AT, shown, categories).map((f) => ({ content: f.content }))],
];

console.log(`| ${N} notices, ${categories.length} categories | median CPU (${RUNS} runs) | bytes |`);
console.log('| --- | --- | --- |');
for (const [name, fn] of cases) {
  fn(); // warm: the memoised board-zone formats, the translators
  const runs = Array.from({ length: RUNS }, () => cpuMs(fn));
  console.log(`| ${name} | ${median(runs.map((r) => r.ms)).toFixed(0)} ms | ${(runs[0]!.bytes / 1e6).toFixed(1)} MB |`);
}
