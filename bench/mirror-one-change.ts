/**
 * The mirror at 10,000 notices: one full build, then one change (a withdrawal, then a correction
 * of one title), each until the new release is live (symlink swapped), with what each build
 * wrote and kept. Each notice has a page in each language version (cs, en), and the search
 * index (Pagefind, its own process: its CPU is not in the process's column) holds every notice
 * with its document's text. Output on disk in a temporary folder; prints a Markdown table.
 *   node bench/mirror-one-change.ts            (BENCH_NOTICES=10000, BENCH_RUNS=5)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMirror, type MirrorBuild } from '../src-main/mirror/build.ts';
import { pruneReleases } from '../src-main/mirror/publish.ts';
import { SAMPLE_AT } from '../src-main/mirror/sample.ts';
import { benchBoard } from './mirror-data.ts';

const N = Number(process.env.BENCH_NOTICES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

// The bench board (mirror-data.ts): each notice's first document has extracted text of its own, as the search index gets it.
const { manifest, files, notices } = benchBoard(N);

const dir = mkdtempSync(join(tmpdir(), 'deska-bench-mirror-'));
const out = join(dir, 'site');
const input = () => ({ manifest, at: SAMPLE_AT, readAttachment: async (sha: string) => files.get(sha)! });
const cpu: Record<string, number[]> = { full: [], withdrawal: [], correction: [] };
const timed = async (kind: string): Promise<{ ms: number; r: MirrorBuild }> => {
  manifest.snapshot.seq++;
  const c0 = process.cpuUsage();
  const t = performance.now();
  // As the publisher does: live at the swap, old releases pruned afterwards (not measured).
  const r = await buildMirror(input(), out, { prune: false });
  const ms = performance.now() - t;
  const c = process.cpuUsage(c0);
  cpu[kind]!.push((c.user + c.system) / 1000);
  await pruneReleases(out);
  return { ms, r };
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const full = await timed('full');
  const withdrawal: number[] = [];
  const correction: number[] = [];
  let lastW: MirrorBuild | null = null;
  let lastC: MirrorBuild | null = null;
  for (let i = 0; i < RUNS; i++) {
    // A withdrawal: the notice's removal instant is now (it leaves every page).
    const w = notices[Math.floor(N * 0.05) + i]!;
    w.removeAt = new Date(SAMPLE_AT - 1).toISOString();
    const a = await timed('withdrawal');
    withdrawal.push(a.ms);
    lastW = a.r;
    // A correction of one title (an older notice, on a later list page).
    const c = notices[Math.floor(N * 0.7) + i]!;
    c.title += ' (opraveno)';
    c.revision++;
    const b = await timed('correction');
    correction.push(b.ms);
    lastC = b.r;
  }
  const size = execFileSync('du', ['-sh', '--apparent-size', join(dir, 'site/')], { encoding: 'utf8' }).split('\t')[0];
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const c = (k: string): number => Math.round(median(cpu[k]!));
  console.log(`| measure (${N} notices, on disk) | median wall | median CPU of the process | files written / kept |
| --- | --- | --- | --- |
| full build | ${Math.round(full.ms)} ms (1 run) | ${c('full')} ms | ${full.r.pagesWritten + full.r.filesWritten} / 0 |
| one withdrawal until live | ${Math.round(median(withdrawal))} ms (${RUNS} runs) | ${c('withdrawal')} ms | ${lastW!.pagesWritten + lastW!.filesWritten} / ${lastW!.pagesReused + lastW!.filesReused} |
| one title correction until live | ${Math.round(median(correction))} ms (${RUNS} runs) | ${c('correction')} ms | ${lastC!.pagesWritten + lastC!.filesWritten} / ${lastC!.pagesReused + lastC!.filesReused} |

Output ${size} (one release), peak RSS ${rssMb} MB.`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${out}.releases`, { recursive: true, force: true });
}
