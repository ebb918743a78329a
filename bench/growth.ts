/**
 * `node bench/growth.ts`: years of growth (issue 7, items 5 and 6).
 *   1. store growth per change at 10,000 notices (snapshots as parts vs full manifests);
 *   2. the first snapshot after a bulk import, 1,000 against 10,000 notices: publisher start →
 *      snapshot signed → a real kiosk (headless, over loopback HTTP) has applied it;
 *   3. API publish throughput through real HTTP;
 *   4. a simulated year (yearly.ts).
 * Sections 1 and 2 also run against another checkout (BENCH_BEFORE=/path/to/checkout, e.g. the
 * commit before this work) to give the "before" figures. Writes its sections into BENCHMARKS.md.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../test/helpers/tmp.ts';
import { replaceSection } from './sections.ts';
import { simulatedYear } from './yearly.ts';

type StoreMod = typeof import('../src-main/store/store.ts');
type EngineMod = typeof import('../src-main/publication/engine.ts');
type InitMod = typeof import('../src-main/publisher/init.ts');
type ServerMod = typeof import('../src-main/publisher/server.ts');
type KioskMod = typeof import('../src-main/kiosk/run.ts');
type ClockMod = typeof import('../src-main/schedule/clock.ts');
type Harness = typeof import('../test/e2e/harness.ts');

const here = resolve(import.meta.dirname, '..');
const GROWTH_NOTICES = Number(process.env.BENCH_GROWTH_NOTICES ?? 10_000);
const GROWTH_CHANGES = Number(process.env.BENCH_GROWTH_CHANGES ?? 20);
const FIRST_SIZES = (process.env.BENCH_FIRST_SIZES ?? '1000,10000').split(',').map(Number);
const API_NOTICES = Number(process.env.BENCH_API_NOTICES ?? 200);
const API_CLIENTS = Number(process.env.BENCH_API_CLIENTS ?? 4);

export function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
const mb = (b: number): string => `${(b / 2 ** 20).toFixed(2)} MB`;
const kb = (b: number): string => `${(b / 1024).toFixed(1)} KB`;

async function load(root: string): Promise<{ Store: StoreMod['Store']; PublicationEngine: EngineMod['PublicationEngine']; initData: InitMod['initData']; startPublisher: ServerMod['startPublisher']; startKiosk: KioskMod['startKiosk']; ManualClock: ClockMod['ManualClock']; harness: Harness }> {
  const m = async <T>(p: string): Promise<T> => (await import(join(root, p))) as T;
  return {
    Store: (await m<StoreMod>('src-main/store/store.ts')).Store,
    PublicationEngine: (await m<EngineMod>('src-main/publication/engine.ts')).PublicationEngine,
    initData: (await m<InitMod>('src-main/publisher/init.ts')).initData,
    startPublisher: (await m<ServerMod>('src-main/publisher/server.ts')).startPublisher,
    startKiosk: (await m<KioskMod>('src-main/kiosk/run.ts')).startKiosk,
    ManualClock: (await m<ClockMod>('src-main/schedule/clock.ts')).ManualClock,
    harness: await m<Harness>('test/e2e/harness.ts'),
  };
}

/** Bytes of the SQLite file in use (pages minus free pages), after a checkpoint. */
export function usedBytes(db: import('../src-main/store/db.ts').Db): number {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const page = db.pragma('page_size', { simple: true }) as number;
  return ((db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number)) * page;
}

/** Bytes the snapshots take, old layout (full manifests) or new (parts). */
export function snapshotBytes(db: import('../src-main/store/db.ts').Db): number {
  const parts = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'snapshot_parts'").get() !== undefined;
  return parts
    ? (db.prepare('SELECT (SELECT COALESCE(SUM(length(body) + length(hash)), 0) FROM snapshot_parts) + (SELECT COALESCE(SUM(length(frame) + length(chunks) + length(signature) + length(sha256)), 0) FROM snapshots)').pluck().get() as number)
    : (db.prepare('SELECT COALESCE(SUM(length(manifest) + length(signature) + length(sha256)), 0) FROM snapshots').pluck().get() as number);
}

const fields = (i: number, postAt: number): import('../src-main/shared/domain.ts').NoticeFields => ({
  title: `Oznámení č. ${i}: Žádost o vyjádření k projektové dokumentaci stavby`,
  description: `Odbor výstavby oznamuje zahájení řízení ve věci č. ${i}. Účastníci mohou nahlížet do podkladů v úředních hodinách.`,
  category: 'Oznámení',
  department: 'Odbor výstavby',
  referenceNumber: `MÚ/${i}/2026`,
  fileMark: `SZ ${i}/2026`,
  postAt: new Date(postAt).toISOString(),
  removeAt: null,
});

/** 1. Growth per change: N posted notices, then K changes (a new notice published, an old one withdrawn, alternately). */
export async function growthPerChange(root: string): Promise<{ perChange: number; snapshotPerChange: number; manifest: number; publishMs: number }> {
  const { Store, PublicationEngine, ManualClock } = await load(root);
  const { generateBoardKeys } = (await import(join(root, 'src-main/publication/signing.ts'))) as typeof import('../src-main/publication/signing.ts');
  using tmp = tempDir('deska-bench-growth-');
  const T0 = Date.parse('2026-01-05T08:00:00.000Z');
  const store = Store.open(join(tmp.path, 'data'), () => T0);
  const board = { id: 'velka', name: 'Statutární město Velká', ico: '00099999', timeZone: 'Europe/Prague', publicUrl: 'https://velka.example/' };
  store.createBoard(board, T0);
  const clock = new ManualClock(T0);
  const engine = new PublicationEngine({ store, clock, privateKeyPem: generateBoardKeys().privatePem, mirrorDir: () => null, sweep: false, onLog: () => undefined });
  try {
    await engine.start();
    const ids: string[] = [];
    await engine.commit(board.id, () => {
      for (let i = 0; i < GROWTH_NOTICES; i++) ids.push(store.notices.publish(store.notices.create(board, fields(i, T0 - 3_600_000), [], 'import', T0).id, 'import', T0).id);
    });
    await engine.idle();
    const manifest = store.snapshots.latest(board.id)!.manifest.length;
    const used0 = usedBytes(store.db);
    const snap0 = snapshotBytes(store.db);
    const times: number[] = [];
    for (let k = 0; k < GROWTH_CHANGES; k++) {
      const now = T0 + (k + 1) * 60_000;
      clock.set(now);
      const t = performance.now();
      if (k % 2 === 0) await engine.commit(board.id, () => store.notices.publish(store.notices.create(board, fields(GROWTH_NOTICES + k, now - 1000), [], 'clerk', now).id, 'clerk', now));
      else await engine.commit(board.id, () => store.notices.withdraw(ids[k]!, 'Vyvěšeno omylem', 'clerk', now));
      await engine.idle();
      times.push(performance.now() - t);
    }
    return { perChange: (usedBytes(store.db) - used0) / GROWTH_CHANGES, snapshotPerChange: (snapshotBytes(store.db) - snap0) / GROWTH_CHANGES, manifest, publishMs: pct(times, 50) };
  } finally {
    await engine.stop();
    store.close();
  }
}

/** 2. First snapshot after a bulk import of n notices (each with its own attachment), through a restart, to a real kiosk. */
export async function firstSnapshot(root: string, n: number): Promise<{ snapshotMs: number; kioskMs: number }> {
  const { Store, initData, startPublisher, startKiosk, harness } = await load(root);
  using tmp = tempDir('deska-bench-first-');
  const data = join(tmp.path, 'data');
  const init = await initData({ dataDir: data, adminPassword: 'bench-heslo', board: { publicUrl: 'https://deska.example.cz/' } });
  const store = Store.open(data);
  const b = store.boards()[0]!;
  const T0 = Date.now();
  store.transaction(() => {
    for (let i = 0; i < n; i++) {
      const blob = store.blobs.put(Buffer.from(`%PDF-1.4\n% příloha oznámení ${i}\n%%EOF\n`), 'application/pdf', T0);
      const created = store.notices.create(b, fields(i, T0 - 3_600_000), [{ sha256: blob.sha256, name: `priloha-${i}.pdf`, size: blob.size }], 'import', T0);
      store.notices.publish(created.id, 'import', T0);
    }
  });
  const before = store.snapshots.latestSeq(b.id);
  store.close();
  const t = performance.now();
  const publisher = await startPublisher({ dataDir: data, port: 0, sweep: false, inbox: false, onLog: () => undefined });
  let kiosk: Awaited<ReturnType<typeof startKiosk>> | null = null;
  try {
    const s = publisher.ctx.store;
    while (s.snapshots.latestSeq(b.id) === before) await new Promise((r) => setTimeout(r, 5));
    const snapshotMs = performance.now() - t;
    const seq = s.snapshots.latestSeq(b.id);
    kiosk = await startKiosk({ profilePath: harness.writeProfile({ dir: tmp.path, init, publisher }, 'bench'), shell: 'headless', port: 0, onLog: () => undefined });
    while ((kiosk.replica?.applied()?.seq ?? 0) < seq) await new Promise((r) => setTimeout(r, 20));
    return { snapshotMs, kioskMs: performance.now() - t };
  } finally {
    await kiosk?.stop();
    await publisher.stop();
  }
}

/** 3. API publish throughput: API_CLIENTS clients, each creating (metadata + one PDF) and publishing notices over HTTP. */
async function apiThroughput(): Promise<string> {
  const { startBoard } = await import('../test/e2e/harness.ts');
  const { makeDocumentPdf } = await import('../src-main/demo/pdf.ts');
  using tmp = tempDir('deska-bench-api-');
  const board = await startBoard(tmp.path, { sweep: false, inbox: false, onLog: () => undefined });
  const pdf = await makeDocumentPdf('Měřené oznámení', ['Příliš žluťoučký kůň úpěl ďábelské ódy.']);
  const auth = { Authorization: `Bearer ${board.init.apiToken}` };
  const api = `${board.publisher.url}/api/v1`;
  // When each snapshot became servable on the feed, and its manifest (the newest few).
  const servable: { at: number; manifest: string }[] = [];
  const off = board.publisher.engine.onSnapshot((_b, s) => {
    servable.push({ at: performance.now(), manifest: s.manifest.toString('utf8') });
    if (servable.length > 64) servable.shift();
  });
  const create: number[] = [];
  const publish: number[] = [];
  const toSnapshot: number[] = [];
  try {
    let next = 0;
    const t0 = performance.now();
    const client = async (): Promise<void> => {
      for (let i = next++; i < API_NOTICES; i = next++) {
        const form = new FormData();
        form.set('metadata', JSON.stringify({ ...fields(i, Date.now() - 1000), removeAt: new Date(Date.now() + 30 * 86_400_000).toISOString() }));
        form.append('files', new Blob([Buffer.from(pdf)], { type: 'application/pdf' }), `oznameni-${i}.pdf`);
        let t = performance.now();
        const res = await fetch(`${api}/boards/${board.init.board.id}/notices`, { method: 'POST', headers: auth, body: form });
        if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
        const { id } = (await res.json()) as { id: string };
        create.push(performance.now() - t);
        t = performance.now();
        const p = await fetch(`${api}/notices/${id}/publish`, { method: 'POST', headers: auth });
        if (!p.ok) throw new Error(`publish: ${p.status} ${await p.text()}`);
        await p.arrayBuffer();
        const answered = performance.now();
        publish.push(answered - t);
        // The first snapshot servable on the feed with the notice in it.
        for (;;) {
          const hit = servable.find((x) => x.at >= t && x.manifest.includes(`"id":"${id}"`));
          if (hit) {
            toSnapshot.push(hit.at - t);
            break;
          }
          await new Promise((r) => setTimeout(r, 2));
        }
      }
    };
    await Promise.all(Array.from({ length: API_CLIENTS }, client));
    const s = (performance.now() - t0) / 1000;
    const row = (name: string, v: number[]): string => `| ${name} | ${v.length} | ${Math.round(pct(v, 50))} ms | ${Math.round(pct(v, 95))} ms | ${Math.round(Math.max(...v))} ms |`;
    return `## API publish throughput

${API_NOTICES} notices created (metadata + one ${pdf.byteLength} B PDF, multipart) and published through the
HTTP API on loopback by ${API_CLIENTS} concurrent clients, on a publisher with the mirror and feed folder on
(each publish commits its job; the snapshot worker batches the jobs it finds). **${(API_NOTICES / s).toFixed(1)} notices/s**
(create + publish, ${s.toFixed(1)} s in all).

| step | n | p50 | p95 | max |
| --- | ---: | ---: | ---: | ---: |
${row('POST …/notices (create, upload, PDF check)', create)}
${row('POST …/publish (answer)', publish)}
${row('publish call → snapshot with the notice servable on the feed', toSnapshot)}

Command: \`BENCH_API_NOTICES=${API_NOTICES} BENCH_API_CLIENTS=${API_CLIENTS} node bench/growth.ts api\`.
`;
  } finally {
    off();
    await board.publisher.stop();
  }
}

async function growthSection(): Promise<string> {
  const before = process.env.BENCH_BEFORE ? resolve(process.env.BENCH_BEFORE) : null;
  const after = await growthPerChange(here);
  const old = before ? await growthPerChange(before) : null;
  const firstAfter: Record<number, { snapshotMs: number; kioskMs: number }> = {};
  const firstBefore: Record<number, { snapshotMs: number; kioskMs: number }> = {};
  for (const n of FIRST_SIZES) {
    firstAfter[n] = await firstSnapshot(here, n);
    if (before) firstBefore[n] = await firstSnapshot(before, n);
    console.error(`first snapshot at ${n}: done`);
  }
  const g = (r: typeof after): string => `${kb(r.perChange)} | ${kb(r.snapshotPerChange)} | ${Math.round(r.publishMs)} ms`;
  const f = (r: { snapshotMs: number; kioskMs: number } | undefined): string => (r ? `${(r.snapshotMs / 1000).toFixed(1)} s | ${(r.kioskMs / 1000).toFixed(1)} s` : '– | –');
  return `## Years of growth: store growth per change and the first snapshot after an import

Snapshots are stored as content-addressed parts (docs/snapshots.md). Store growth: a board of
${GROWTH_NOTICES.toLocaleString('en')} posted notices (manifest ${mb(after.manifest)}), then ${GROWTH_CHANGES} changes, a new notice published and an
old one withdrawn in turn, each signed into a snapshot; growth is the SQLite file's used pages after a
checkpoint (the notice rows and audit events of each change included), and the snapshots' own bytes.

| layout | growth per change (whole store) | of which snapshots | change → snapshot p50 |
| --- | ---: | ---: | ---: |
${old ? `| full manifest per snapshot (before) | ${g(old)} |\n` : ''}| content-addressed parts (now) | ${g(after)} |

First snapshot after a bulk import: n posted notices, each with its own attachment, written to the
store while the publisher was stopped; then the publisher starts (real HTTP, mirror and feed folder on)
and a real kiosk (headless, on loopback) syncs. Times from the publisher's start.

| notices | layout | start → snapshot signed | start → kiosk applied it |
| ---: | --- | ---: | ---: |
${FIRST_SIZES.map((n) => `${before ? `| ${n} | before | ${f(firstBefore[n])} |\n` : ''}| ${n} | now | ${f(firstAfter[n])} |`).join('\n')}

The superlinear step was the feed: every \`files/{sha}\` request of a syncing kiosk read the board's
newest snapshot row, manifest and all (megabytes at 10,000 notices), to find which files it may
serve, so a kiosk's first sync of n files read n manifests of size n. The snapshot store now keeps the
newest snapshot of each board in memory (snapshots are immutable; a cheap check of its hash per
request), and the events stream reads only the snapshot's number.

Command: \`BENCH_BEFORE=/path/to/checkout-before node bench/growth.ts growth\` (a checkout of the commit
before content-addressed snapshots, 865f452, gives the "before" rows; without BENCH_BEFORE, only the "now" rows). Sizes: \`BENCH_GROWTH_NOTICES=${GROWTH_NOTICES} BENCH_GROWTH_CHANGES=${GROWTH_CHANGES} BENCH_FIRST_SIZES=${FIRST_SIZES.join(',')}\`.
`;
}

/** Writes (or replaces) this file's sections of BENCHMARKS.md: 'growth', 'api', 'year' or 'all'. */
export async function writeGrowthSections(what = 'all'): Promise<void> {
  const file = join(here, 'BENCHMARKS.md');
  if (what === 'growth' || what === 'all') replaceSection(file, '## Years of growth: store growth per change', await growthSection());
  if (what === 'api' || what === 'all') replaceSection(file, '## API publish throughput', await apiThroughput());
  if (what === 'year' || what === 'all') replaceSection(file, '## A simulated year', await simulatedYear());
  console.log(readFileSync(file, 'utf8').slice(-6000));
}

if (import.meta.main) await writeGrowthSections(process.argv[2]);
