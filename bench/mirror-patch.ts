/**
 * The mirror's fast path at 10,000 notices (mirror/patch.ts): one unscheduled change (a
 * withdrawal, a title correction, a notice posted now) written into the live release in place,
 * until it is live, and the full build that settles it afterwards. Run as the mirror channel runs
 * them: on a pooled worker thread (workers/pool.ts, the same thread by affinity), the job cloned to
 * it with the snapshot's frame, the hashes of its notice parts and the bodies of the changed parts
 * only (what store/snapshots.ts partsOf and partBodies give the channel). "Until live" is from
 * handing the job to the pool to its reply, after the last file of the patch is in place.
 * Then the same through the publisher (real store, engine, system clock): a withdrawal committed
 * until the mirror channel's evidence says the notice is gone, which adds signing the snapshot.
 *   node bench/mirror-patch.ts            (BENCH_NOTICES=10000, BENCH_RUNS=5; BENCH_POOL=0 or BENCH_PUBLISHER=0 skips a part)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MirrorJobResult } from '../src-main/channels/mirror-job.ts';
import type { PatchJob, PatchResult } from '../src-main/mirror/patch.ts';
import type { FeedManifest } from '../src-main/shared/feed.ts';
import { sha256, splitManifest } from '../src-main/store/snapshot-parts.ts';
import { WorkerPool } from '../src-main/workers/pool.ts';
import { benchBoard } from './mirror-data.ts';
import { makeDocumentPdf } from '../src-main/demo/pdf.ts';
import { mirrorWorkers, largeMirrorWorkers } from '../src-main/channels/mirror.ts';
import { PublicationEngine } from '../src-main/publication/engine.ts';
import { generateBoardKeys } from '../src-main/publication/signing.ts';
import { systemClock } from '../src-main/schedule/clock.ts';
import { Store } from '../src-main/store/store.ts';

const N = Number(process.env.BENCH_NOTICES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const JOB = new URL('../src-main/channels/mirror-job.ts', import.meta.url);

const { manifest, files, notices, at } = benchBoard(N);
const dir = mkdtempSync(join(tmpdir(), 'deska-bench-patch-'));
const blobDir = join(dir, 'blobs');
for (const [sha, bytes] of files) {
  mkdirSync(join(blobDir, sha.slice(0, 2)), { recursive: true });
  writeFileSync(join(blobDir, sha.slice(0, 2), sha), bytes);
}
const out = join(dir, 'site');
const pool = new WorkerPool({ maxIdle: 1, idleMs: 600_000, maxHeapMb: 2048 });
const common = { blobDir, outDir: out, digestDir: null, publicKey: null, settings: {} };
let seen = new Set<string>();

function split(m: FeedManifest): { bytes: Buffer; frame: Buffer; hashes: Buffer; hexes: string[]; parts: Map<string, Buffer> } {
  const bytes = Buffer.from(JSON.stringify(m));
  const s = splitManifest(bytes);
  const digests = s.notices.map((b) => sha256(b));
  const hexes = digests.map((h) => h.toString('hex'));
  return { bytes, frame: s.frame, hashes: Buffer.concat(digests), hexes, parts: new Map(hexes.map((h, i) => [h, s.notices[i]!])) };
}

const KINDS = ['withdrawal', 'correction', 'posting'] as const;
type Kind = (typeof KINDS)[number];
const live: Record<Kind, number[]> = { withdrawal: [], correction: [], posting: [] };
const inThread: Record<Kind, number[]> = { withdrawal: [], correction: [], posting: [] };
const cpu: Record<Kind, number[]> = { withdrawal: [], correction: [], posting: [] };
const settle: Record<Kind, number[]> = { withdrawal: [], correction: [], posting: [] };
const settleWrote: Record<Kind, string> = { withdrawal: '', correction: '', posting: '' };
const written: Record<Kind, string> = { withdrawal: '', correction: '', posting: '' };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A full build (then the old releases pruned): its time, and the files it wrote (the others are linked from the release before). */
async function build(): Promise<{ ms: number; wrote: string }> {
  manifest.snapshot.seq++;
  const s = split(manifest);
  const t = performance.now();
  const b = await pool.run<MirrorJobResult>(JOB, 'buildMirrorJob', [{ ...common, manifest: s.bytes, at, large: true, hashes: s.hashes }], { timeoutMs: 3_600_000, affinity: out });
  await pool.run(JOB, 'pruneMirrorJob', [out], { timeoutMs: 3_600_000 });
  seen = new Set(s.hexes);
  const written = b.pagesWritten + b.filesWritten;
  return { ms: performance.now() - t, wrote: `${written} of ${written + b.pagesReused + b.filesReused}` };
}

/** BENCH_SYNC=1: the disk's dirty pages written out before each change (as they are between a clerk's changes minutes apart), not while the patch writes. */
const SYNC = process.env.BENCH_SYNC === '1';

async function change(kind: Kind): Promise<void> {
  if (SYNC) execFileSync('sync');
  manifest.snapshot.seq++;
  const s = split(manifest);
  const bodies: Record<string, Uint8Array> = {};
  for (const h of s.hexes) if (!seen.has(h)) bodies[h] = s.parts.get(h)!;
  const job: PatchJob = { ...common, at, frame: s.frame, hashes: s.hashes, bodies };
  // BENCH_QUIET=ms: a pause before each change (after the sync of BENCH_SYNC=1), as between a clerk's changes minutes apart.
  if (process.env.BENCH_QUIET) await new Promise((r) => setTimeout(r, Number(process.env.BENCH_QUIET)));
  const t = performance.now();
  const r = await pool.run<PatchResult>(JOB, 'patchMirrorJob', [job], { timeoutMs: 60_000, affinity: out });
  const ms = performance.now() - t;
  if (!r.patched) throw new Error(`not patched: ${r.why}`);
  live[kind].push(ms);
  inThread[kind].push(r.tookMs);
  cpu[kind].push(r.cpuMs);
  written[kind] = `${r.filesWritten} written, ${r.filesDeleted} deleted`;
  seen = new Set(s.hexes);
  const b = await build();
  settle[kind].push(b.ms);
  settleWrote[kind] = b.wrote;
}

if (process.env.BENCH_POOL !== '0') {
try {
  const full = (await build()).ms;
  for (let i = 0; i < RUNS; i++) {
    notices[Math.floor(N * 0.05) + i]!.removeAt = new Date(at - 1).toISOString();
    await change('withdrawal');
    const c = notices[Math.floor(N * 0.7) + i]!;
    c.title += ' (opraveno)';
    c.revision++;
    await change('correction');
    notices.push({ ...notices[1]!, id: `n-${i}`, title: `Nové oznámení ${i}`, postAt: new Date(at - 60_000).toISOString(), publishedAt: new Date(at - 60_000).toISOString() });
    await change('posting');
  }
  // The floor under "until live": a file the size of the OFN file (which every change rewrites) written anew, alone, in the
  // same conditions (after a full build; with BENCH_SYNC and BENCH_QUIET as the changes had them), then deleted.
  const ofnBytes = readFileSync(join(out, 'opendata', 'uredni-deska.jsonld'));
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await build();
    if (SYNC) execFileSync('sync');
    if (process.env.BENCH_QUIET) await new Promise((res) => setTimeout(res, Number(process.env.BENCH_QUIET)));
    const file = join(dir, `floor-${i}.jsonld`);
    const t = performance.now();
    writeFileSync(file, ofnBytes);
    floor.push(performance.now() - t);
    rmSync(file);
  }
  const r = (v: number): number => Math.round(v * 10) / 10;
  console.log(`${SYNC ? 'Disk flushed (sync) before each change' : 'Each change right after the settling build of the one before (its writes still going to disk)'}${process.env.BENCH_QUIET ? `, then a pause of ${process.env.BENCH_QUIET} ms` : ''}.\n\n| one change at ${N} notices (2 language versions) | until live: patch (median of ${RUNS}) | min | max | of which on the worker thread (median) | the thread's CPU in it (median) | files | the full build settling it (median) | files it wrote (the last run) |
| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |
${KINDS.map((k) => `| ${k} | ${r(median(live[k]))} ms | ${r(Math.min(...live[k]))} ms | ${r(Math.max(...live[k]))} ms | ${r(median(inThread[k]))} ms | ${r(median(cpu[k]))} ms | ${written[k]} | ${Math.round(median(settle[k]))} ms | ${settleWrote[k]} |`).join('\n')}

The OFN file alone (${(ofnBytes.byteLength / 1e6).toFixed(1)} MB) written as a new file in the same conditions: median ${r(median(floor))} ms, min ${r(Math.min(...floor))} ms, max ${r(Math.max(...floor))} ms (${RUNS} runs).

First full build ${Math.round(full)} ms. Peak RSS of the process (both threads) ${Math.round(process.resourceUsage().maxRSS / 1024)} MB; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end.`);
} finally {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
}
}

/** Through the publisher: a board of N notices, RUNS withdrawals, each committed and then awaited until the mirror's evidence. */
async function publisher(): Promise<void> {
  const pdir = mkdtempSync(join(tmpdir(), 'deska-bench-patch-pub-'));
  const board = { id: 'velka', name: 'Město Velká Lhota', ico: '00012345', timeZone: 'Europe/Prague', publicUrl: 'https://velka.example/deska/' };
  const store = Store.open(join(pdir, 'data'), () => Date.now());
  const mirror = join(pdir, 'mirror');
  const logs: string[] = [];
  const engine = new PublicationEngine({ store, clock: systemClock, privateKeyPem: generateBoardKeys().privatePem, mirrorDir: () => mirror, sweep: false, onLog: (l) => logs.push(l) });
  try {
    store.createBoard(board, Date.now());
    const pdf = { ...store.blobs.put(await makeDocumentPdf('Vyhláška', ['Text vyhlášky.']), 'application/pdf', Date.now()), name: 'vyhlaska.pdf' };
    const now = Date.now();
    const ids: string[] = [];
    await engine.start();
    await engine.commit(board.id, () => {
      for (let i = 0; i < N; i++) {
        const n = store.notices.create(board, { title: `Oznámení č. ${i}`, description: 'Popis.', category: ['Stavební řízení', 'Rozpočet', 'Oznámení', 'Volby'][i % 4]!, department: 'OÚ', referenceNumber: `R/${i}`, fileMark: '', postAt: new Date(now - (i + 1) * 60_000).toISOString(), removeAt: null }, [pdf], 'import', now);
        ids.push(store.notices.publish(n.id, 'import', now).id);
      }
    });
    await engine.idle();
    const channel = `mirror:${mirror}`;
    const late: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const id = ids[100 + i * 37]!;
      const t = Date.now();
      store.notices.withdraw(id, 'chyba', 'vedouci', t);
      await engine.changed(board.id);
      const gone = store.evidence.forNotice(id).find((x) => x.channel === channel)?.goneAt;
      late.push(Date.parse(gone ?? 'x') - t);
    }
    const refused = logs.filter((l) => /not patched|patch failed/.test(l));
    console.log(`\nThrough the publisher (${N} notices, system clock): a withdrawal committed until the mirror's evidence records it gone: median ${median(late)} ms, min ${Math.min(...late)} ms, max ${Math.max(...late)} ms (${late.length} runs; signing the snapshot included). Refused patches: ${refused.length === 0 ? 'none' : refused.join('; ')}.`);
  } finally {
    await engine.stop();
    store.close();
    await mirrorWorkers.close();
    await largeMirrorWorkers.close();
    rmSync(pdir, { recursive: true, force: true });
  }
}

if (process.env.BENCH_PUBLISHER !== '0') await publisher();
