/**
 * The mirror at 10,000 notices: one full build, then one change (a withdrawal, a correction of
 * one title, a new notice posted now), each until the new release is live (symlink swapped), with
 * what each build wrote and kept; and a scheduled posting, whose release is built ahead (as the
 * mirror channel does once the snapshot that knows the instant is signed) and made live at the
 * instant by the symlink swap alone. Each notice has a page in each language version (cs, en), and the search
 * index (Pagefind, its own process: its CPU is not in the process's column) holds every notice
 * with its document's text. Output on disk in a temporary folder; prints a Markdown table.
 *   node bench/mirror-one-change.ts            (BENCH_NOTICES=10000, BENCH_RUNS=5)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMirror, type MirrorBuild } from '../src-main/mirror/build.ts';
import { discardPrebuilt, pruneReleases, swapToPrebuilt, writePrebuilt } from '../src-main/mirror/publish.ts';
import { SAMPLE_AT } from '../src-main/mirror/sample.ts';
import { benchBoard } from './mirror-data.ts';

const N = Number(process.env.BENCH_NOTICES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

// The bench board (mirror-data.ts): each notice's first document has extracted text of its own, as the search index gets it.
const { manifest, files, notices } = benchBoard(N);

const dir = mkdtempSync(join(tmpdir(), 'deska-bench-mirror-'));
const out = join(dir, 'site');
const input = (at = SAMPLE_AT) => ({ manifest, at, readAttachment: async (sha: string) => files.get(sha)! });
const KINDS = ['full', 'withdrawal', 'correction', 'posting', 'ahead', 'instant'] as const;
type Kind = (typeof KINDS)[number];
const wall = Object.fromEntries(KINDS.map((k) => [k, [] as number[]])) as Record<Kind, number[]>;
const cpu = Object.fromEntries(KINDS.map((k) => [k, [] as number[]])) as Record<Kind, number[]>;
const last: Partial<Record<Kind, MirrorBuild>> = {};
const measure = async <T>(kind: Kind, fn: () => Promise<T>): Promise<T> => {
  const c0 = process.cpuUsage();
  const t = performance.now();
  const r = await fn();
  wall[kind].push(performance.now() - t);
  const c = process.cpuUsage(c0);
  cpu[kind].push((c.user + c.system) / 1000);
  return r;
};
const timed = async (kind: Kind, at = SAMPLE_AT): Promise<MirrorBuild> => {
  manifest.snapshot.seq++;
  // As the publisher does: live at the swap, old releases pruned afterwards (not measured).
  const r = await measure(kind, () => buildMirror(input(at), out, { prune: false }));
  await pruneReleases(out);
  last[kind] = r;
  return r;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  await timed('full');
  for (let i = 0; i < RUNS; i++) {
    // A withdrawal: the notice's removal instant is now (it leaves every page).
    const w = notices[Math.floor(N * 0.05) + i]!;
    w.removeAt = new Date(SAMPLE_AT - 1).toISOString();
    await timed('withdrawal');
    // A correction of one title (an older notice, on a later list page).
    const c = notices[Math.floor(N * 0.7) + i]!;
    c.title += ' (opraveno)';
    c.revision++;
    await timed('correction');
    // A new notice posted now (published with a posting instant already passed).
    const p = { ...notices[0]!, id: `n-${i}`, title: `Nové oznámení ${i}`, postAt: new Date(SAMPLE_AT - 60_000).toISOString(), publishedAt: new Date(SAMPLE_AT - 60_000).toISOString() };
    notices.push(p);
    await timed('posting');
    // A scheduled instant: a notice posted in an hour, known to the signed manifest now. The channel
    // builds its release ahead (not live), and at the instant only swaps the symlink (the timer's work).
    const at = SAMPLE_AT + (i + 1) * 60_000;
    notices.push({ ...notices[0]!, id: `s-${i}`, title: `Plánované oznámení ${i}`, postAt: new Date(at).toISOString(), publishedAt: new Date(SAMPLE_AT).toISOString() });
    manifest.snapshot.seq++;
    const ahead = await measure('ahead', () => buildMirror(input(at), out, { prune: false, swap: false }));
    last.ahead = ahead;
    await writePrebuilt(out, { release: ahead.path, at, until: ahead.nextInstant, key: 'bench', seq: manifest.snapshot.seq, shown: ahead.shownNoticeIds });
    await measure('instant', () => swapToPrebuilt(out, { release: ahead.path, key: 'bench' }, () => Date.now()));
    await discardPrebuilt(out);
    await pruneReleases(out);
  }
  const size = execFileSync('du', ['-sh', '--apparent-size', join(dir, 'site/')], { encoding: 'utf8' }).split('\t')[0];
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const row = (name: string, k: Kind, files: string): string => `| ${name} | ${Math.round(median(wall[k]) * 10) / 10} ms (${wall[k].length} runs) | ${Math.round(median(cpu[k]) * 10) / 10} ms | ${files} |`;
  const wk = (b: MirrorBuild | undefined): string => (b ? `${b.pagesWritten + b.filesWritten} / ${b.pagesReused + b.filesReused}` : '—');
  console.log(`| measure (${N} notices, on disk) | median wall | median CPU of the process | files written / kept |
| --- | --- | --- | --- |
${row('full build', 'full', wk(last.full))}
${row('one withdrawal until live', 'withdrawal', wk(last.withdrawal))}
${row('one title correction until live', 'correction', wk(last.correction))}
${row('one new notice posted now until live', 'posting', wk(last.posting))}
${row('scheduled posting: release built ahead (before the instant, not live)', 'ahead', wk(last.ahead))}
${row('scheduled posting: at the instant until live (symlink swap to the release built ahead)', 'instant', '1 symlink, 1 record')}

Output ${size} (one release), peak RSS ${rssMb} MB, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end.`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${out}.releases`, { recursive: true, force: true });
}
