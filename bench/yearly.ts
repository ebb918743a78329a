/**
 * A simulated year (issue 7): a board with NOTICES posted notices, CHANGES changes through the
 * HTTP API (create a draft, edit it, publish it, withdraw the oldest posted notice, in turn; every
 * change commits a publish job and is signed into a snapshot) and 10 real kiosks (headless, over
 * loopback, each syncing every snapshot it is told of). At the start and at the end of the year:
 * the store's size and the publish latency (publish call → signed snapshot → all kiosks applied).
 * BENCH_YEAR_SCALE=1 is the full year (5,000 notices, 50,000 changes), 0.1 a tenth of both; the
 * default is 500 notices and 1,000 changes; BENCH_YEAR_NOTICES and BENCH_YEAR_CHANGES set either alone.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startBoard, writeProfile, type Board } from '../test/e2e/harness.ts';
import { startKiosk, type RunningKiosk } from '../src-main/kiosk/run.ts';
import { verifyStore } from '../src-main/evidence/audit-verify.ts';
import { tempDir } from '../test/helpers/tmp.ts';
import { pct, snapshotBytes, usedBytes } from './growth.ts';

const SCALE = process.env.BENCH_YEAR_SCALE === undefined ? null : Number(process.env.BENCH_YEAR_SCALE);
/** Default: 1/10 of the notices and 1/50 of the changes (the full year takes hours on 2 shared cores). */
const NOTICES = Number(process.env.BENCH_YEAR_NOTICES ?? Math.round(5_000 * (SCALE ?? 0.1)));
const CHANGES = Number(process.env.BENCH_YEAR_CHANGES ?? Math.round(50_000 * (SCALE ?? 0.02)));
const KIOSKS = Number(process.env.BENCH_YEAR_KIOSKS ?? 10);
const PROBES = Number(process.env.BENCH_YEAR_PROBES ?? 20);

const fieldsOf = (i: number, postAt: number) => ({
  title: `Oznámení č. ${i}: Žádost o vyjádření k projektové dokumentaci stavby`,
  description: `Odbor výstavby oznamuje zahájení řízení ve věci č. ${i}. Účastníci mohou nahlížet do podkladů v úředních hodinách.`,
  category: 'Oznámení',
  department: 'Odbor výstavby',
  referenceNumber: `MÚ/${i}/2026`,
  fileMark: '',
  postAt: new Date(postAt).toISOString(),
  removeAt: null,
});

interface Probe {
  snapshot: number[];
  kiosks: number[];
}

export async function simulatedYear(): Promise<string> {
  using tmp = tempDir('deska-bench-year-');
  const board: Board = await startBoard(tmp.path, { sweep: false, inbox: false, onLog: () => undefined });
  const { store } = board.publisher.ctx;
  const engine = board.publisher.engine;
  const id = board.init.board.id;
  const b = store.board(id)!;
  const api = `${board.publisher.url}/api/v1`;
  const auth = { Authorization: `Bearer ${board.init.apiToken}`, 'Content-Type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown): Promise<{ id: string }> => {
    const res = await fetch(`${api}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const createDraft = async (i: number): Promise<string> => {
    const form = new FormData();
    form.set('metadata', JSON.stringify(fieldsOf(i, Date.now() - 1000)));
    const res = await fetch(`${api}/boards/${id}/notices`, { method: 'POST', headers: { Authorization: auth.Authorization }, body: form });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };
  const snapshotAt = new Map<number, number>();
  const off = board.publisher.engine.onSnapshot((_b, s) => snapshotAt.set(s.seq, performance.now()));
  const kiosks: RunningKiosk[] = [];
  const live: string[] = [];
  let serial = 0;
  try {
    const t0 = Date.now();
    await engine.commit(id, () => {
      for (let i = 0; i < NOTICES; i++) live.push(store.notices.publish(store.notices.create(b, fieldsOf(serial++, t0 - 3_600_000), [], 'import', t0).id, 'import', t0).id);
    });
    await engine.idle();
    for (let k = 0; k < KIOSKS; k++) kiosks.push(await startKiosk({ profilePath: writeProfile(board, `kiosk-${k}`), shell: 'headless', port: 0, onLog: () => undefined }));
    const allApplied = async (seq: number): Promise<void> => {
      while (kiosks.some((k) => (k.replica?.applied()?.seq ?? 0) < seq)) await new Promise((r) => setTimeout(r, 5));
    };
    await allApplied(store.snapshots.latestSeq(id));

    /** PROBES publishes, one at a time, each waited for on every kiosk. */
    const probe = async (): Promise<Probe> => {
      const p: Probe = { snapshot: [], kiosks: [] };
      for (let i = 0; i < PROBES; i++) {
        const n = await createDraft(serial++);
        await engine.idle();
        await allApplied(store.snapshots.latestSeq(id));
        const t = performance.now();
        await call('POST', `/notices/${n}/publish`);
        live.push(n);
        let seq = 0;
        for (;;) {
          const s = store.snapshots.latest(id)!;
          if (s.manifest.includes(`"id":"${n}"`)) {
            seq = s.seq;
            p.snapshot.push((snapshotAt.get(s.seq) ?? performance.now()) - t);
            break;
          }
          await new Promise((r) => setTimeout(r, 1));
        }
        await allApplied(seq);
        p.kiosks.push(performance.now() - t);
      }
      return p;
    };
    const size = (): { used: number; file: number; snapshots: number } => {
      const used = usedBytes(store.db);
      return { used, file: statSync(join(board.dir, 'data', 'deska.sqlite')).size, snapshots: snapshotBytes(store.db) };
    };

    const startSize = size();
    const startSeq = store.snapshots.latestSeq(id);
    const start = await probe();
    console.error(`year: start measured (${startSeq} snapshots), running ${CHANGES} changes`);
    const yearStart = performance.now();
    let changes = 0;
    let draft = '';
    while (changes < CHANGES) {
      const step = changes % 4;
      if (step === 0) draft = await createDraft(serial++);
      else if (step === 1) {
        const form = new FormData();
        form.set('metadata', JSON.stringify({ description: `Upravený popis ${serial}.` }));
        const res = await fetch(`${api}/notices/${draft}`, { method: 'PATCH', headers: { Authorization: auth.Authorization }, body: form });
        if (!res.ok) throw new Error(`patch: ${res.status} ${await res.text()}`);
      }
      else if (step === 2) {
        await call('POST', `/notices/${draft}/publish`);
        live.push(draft);
      } else await call('POST', `/notices/${live.shift()!}/withdraw`, { reason: 'Nahrazeno novým oznámením.' });
      changes++;
      if (changes % 1000 === 0) console.error(`year: ${changes}/${CHANGES} changes, ${Math.round((performance.now() - yearStart) / 1000)} s`);
    }
    await engine.idle();
    await allApplied(store.snapshots.latestSeq(id));
    const yearSeconds = (performance.now() - yearStart) / 1000;
    const endSize = size();
    const endSeq = store.snapshots.latestSeq(id);
    const end = await probe();
    const verifyStart = performance.now();
    const verified = verifyStore(store);
    const verifyMs = performance.now() - verifyStart;
    const total = store.db.prepare('SELECT COUNT(*) FROM notices').pluck().get() as number;
    const manifest = store.snapshots.latest(id)!.manifest.length;
    const mb = (v: number): string => `${(v / 2 ** 20).toFixed(1)} MB`;
    const ms = (v: number[], p: number): string => `${Math.round(pct(v, p))} ms`;
    return `## A simulated year

${NOTICES === 5_000 && CHANGES === 50_000 ? 'Full size' : `**Not full size: ${NOTICES.toLocaleString('en')} notices (full: 5,000) and ${CHANGES.toLocaleString('en')} changes (full: 50,000)**`}: a board starting with ${NOTICES.toLocaleString('en')} posted notices, then ${CHANGES.toLocaleString('en')} changes through the
HTTP API on loopback (create a draft, edit it, publish it, withdraw the oldest posted notice, in turn;
every change commits a publish job and is signed into a snapshot), ${KIOSKS} real kiosks (headless, on
loopback) syncing all along, mirror and feed folder on. Notices without attachments (files live beside the
database, not in it). The year's changes took ${yearSeconds.toFixed(0)} s (${(CHANGES / yearSeconds).toFixed(1)} changes/s, kiosks syncing meanwhile); at
that rate the full 50,000 changes would take about ${(50_000 / (CHANGES / yearSeconds) / 3600).toFixed(1)} hours. Per change the store grew about
${((endSize.used - startSize.used) / CHANGES / 1024).toFixed(1)} KB in all (audit events, notice rows, display evidence), of which ${((endSize.snapshots - startSize.snapshots) / CHANGES / 1024).toFixed(1)} KB of snapshots.
At the end: ${total.toLocaleString('en')} notices in the store, ${live.length} posted, manifest ${mb(manifest)}, ${endSeq.toLocaleString('en')} snapshots;
\`deska audit verify\` (every snapshot put back together, hashed and its signature checked) took
${(verifyMs / 1000).toFixed(1)} s and found ${verified.problems.length} problems.

| | start of year | end of year |
| --- | ---: | ---: |
| snapshots | ${startSeq.toLocaleString('en')} | ${endSeq.toLocaleString('en')} |
| SQLite used (whole store) | ${mb(startSize.used)} | ${mb(endSize.used)} |
| of which snapshots (parts, frames, lists) | ${mb(startSize.snapshots)} | ${mb(endSize.snapshots)} |
| publish → snapshot signed, p50 / p95 | ${ms(start.snapshot, 50)} / ${ms(start.snapshot, 95)} | ${ms(end.snapshot, 50)} / ${ms(end.snapshot, 95)} |
| publish → all ${KIOSKS} kiosks applied it, p50 / p95 | ${ms(start.kiosks, 50)} / ${ms(start.kiosks, 95)} | ${ms(end.kiosks, 50)} / ${ms(end.kiosks, 95)} |

Latency: ${PROBES} publishes at each end, one at a time, each after the previous one reached every kiosk.
With full manifests per snapshot the same year would have stored about ${mb(manifest * (endSeq - startSeq))}
of manifests (the end manifest times the snapshots of the year).

Command: \`BENCH_YEAR_NOTICES=${NOTICES} BENCH_YEAR_CHANGES=${CHANGES} BENCH_YEAR_KIOSKS=${KIOSKS} node bench/growth.ts year\`.
`;
  } finally {
    off();
    for (const k of kiosks) await k.stop();
    await board.publisher.stop();
  }
}
