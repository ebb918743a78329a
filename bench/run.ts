/**
 * `npm run bench`: how fast a published notice reaches the kiosk screen, and how late the kiosk
 * and the web mirror post and remove notices relative to their instants. Real publisher, real
 * kiosk (the handler Electron would serve), real Chromium rendering the kiosk UI.
 * Writes the figures to BENCHMARKS.md.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { launchBrowser } from '../test/helpers/browser.ts';
import { apiJson, startBoard, startBoardKiosk, writeProfile, type Board } from '../test/e2e/harness.ts';
import { makeDocumentPdf } from '../src-main/demo/pdf.ts';
import { mirrorPath } from '../src-main/publisher/server.ts';
import { certificateTimes } from './certificate.ts';
import { refusedBodies } from './refused-bodies.ts';

const N = Number(process.env.BENCH_NOTICES ?? 60);
/** Under load: notices in the other board's mirror build, the certificate's unbroken word, notices measured. */
const BIG = Number(process.env.BENCH_BIG_BOARD ?? 10_000);
const WORD = Number(process.env.BENCH_CERT_WORD ?? 4_000);
const LOADED = Number(process.env.BENCH_LOADED_NOTICES ?? 20);
const root = resolve(import.meta.dirname, '..');

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
const fmt = (v: number): string => `${Math.round(v)} ms`;
const row = (name: string, v: number[]): string =>
  `| ${name} | ${v.length} | ${fmt(pct(v, 50))} | ${fmt(pct(v, 95))} | ${fmt(Math.min(...v))} | ${fmt(Math.max(...v))} |`;

async function create(board: Board, i: number, postAt: number, removeAt: number, pdf: Uint8Array): Promise<string> {
  const form = new FormData();
  form.set('metadata', JSON.stringify({
    title: `Měřené oznámení č. ${i}`, description: 'Benchmark', category: 'Oznámení', department: 'Obecní úřad',
    referenceNumber: `B/${i}/2026`, fileMark: '', postAt: new Date(postAt).toISOString(), removeAt: new Date(removeAt).toISOString(),
  }));
  form.append('files', new Blob([Buffer.from(pdf)], { type: 'application/pdf' }), `oznameni-${i}.pdf`);
  const { id } = await apiJson<{ id: string }>(board, `/boards/${board.init.board.id}/notices`, { method: 'POST', body: form });
  return id;
}

const dir = mkdtempSync(join(tmpdir(), 'deska-bench-'));
const board = await startBoard(dir);
const kiosk = await startBoardKiosk(writeProfile(board, 'bench'));
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
await page.goto(kiosk.url);
await page.locator('h1').first().waitFor();
// Record, in the page, the wall-clock instant each notice element appears and disappears.
await page.evaluate(() => {
  const w = window as unknown as { __seen: Record<string, { in?: number; out?: number }> };
  w.__seen = {};
  const scan = (): void => {
    const now = performance.timeOrigin + performance.now();
    const present = new Set([...document.querySelectorAll('[data-notice-id]')].map((e) => e.getAttribute('data-notice-id')!));
    for (const id of present) (w.__seen[id] ??= {}).in ??= now;
    for (const [id, s] of Object.entries(w.__seen)) if (!present.has(id) && s.in !== undefined) s.out ??= now;
  };
  new MutationObserver(scan).observe(document.body, { subtree: true, childList: true });
});

try {
  const pdf = await makeDocumentPdf('Měřené oznámení', ['Příliš žluťoučký kůň úpěl ďábelské ódy.']);

  // 1. Publish → visible: a notice posted "now" is on the kiosk screen how soon after the publish call?
  const publishToVisible: number[] = [];
  for (let i = 0; i < N; i++) {
    const id = await create(board, i, Date.now() - 1000, Date.now() + 3_600_000, pdf);
    const t0 = Date.now();
    await apiJson(board, `/notices/${id}/publish`, { method: 'POST' });
    await page.locator(`[data-notice-id="${id}"]`).first().waitFor({ timeout: 30_000 });
    publishToVisible.push(Date.now() - t0);
    if (i % 10 === 9) console.error(`publish → visible: ${i + 1}/${N}`);
  }

  // 2. Scheduled instants: N notices posting 300 ms apart and removed 4 s after posting.
  // Far enough ahead that every notice is created and published before its instant.
  const start = Date.now() + 5000 + N * 400;
  const planned: { id: string; postAt: number; removeAt: number }[] = [];
  for (let i = 0; i < N; i++) {
    const postAt = start + i * 300;
    const removeAt = postAt + 4000;
    const id = await create(board, 1000 + i, postAt, removeAt, pdf);
    await apiJson(board, `/notices/${id}/publish`, { method: 'POST' });
    planned.push({ id, postAt, removeAt });
    if (i % 10 === 9) console.error(`scheduled ${i + 1}/${N}, ${Math.round((start - Date.now()) / 1000)} s before the first instant`);
  }
  const last = planned[planned.length - 1]!.removeAt;
  await new Promise((r) => setTimeout(r, last - Date.now() + 2500));
  const seen = await page.evaluate(() => (window as unknown as { __seen: Record<string, { in?: number; out?: number }> }).__seen);
  const postLate = planned.map((p) => (seen[p.id]?.in ?? NaN) - p.postAt);
  const removeLate = planned.map((p) => (seen[p.id]?.out ?? NaN) - p.removeAt);
  const mirrorChannel = `mirror:${resolve(mirrorPath(join(dir, 'data'), board.init.board.id))}`;
  const mirrorOf = (id: string) => board.publisher.ctx.store.evidence.forNotice(id).find((s) => s.channel === mirrorChannel);
  const evidence = planned.map((p) => mirrorOf(p.id));
  const mirrorPostLate = planned.map((p, i) => Date.parse(evidence[i]?.firstShownAt ?? 'x') - p.postAt);
  const mirrorRemoveLate = planned.map((p, i) => Date.parse(evidence[i]?.goneAt ?? 'x') - p.removeAt);
  const missing = [...postLate, ...removeLate, ...mirrorPostLate, ...mirrorRemoveLate].filter((v) => Number.isNaN(v)).length;

  // 3. Under load: the same instants while another board's BIG-notice mirror build runs in its
  // worker thread and a certificate with a WORD-character unbroken word is being rendered.
  const store = board.publisher.ctx.store;
  const big = { id: 'velka', name: 'Statutární město Velká', ico: '00099999', timeZone: 'Europe/Prague', publicUrl: 'https://velka.example/' };
  const t = Date.now();
  const bigFields = (i: number) => ({ title: `Oznámení č. ${i}`, description: `Popis ${i}.`, category: 'Oznámení', department: 'Odbor', referenceNumber: '', fileMark: '', postAt: new Date(t - 86_400_000).toISOString(), removeAt: null });
  store.createBoard(big, t);
  const wordNotice = await create(board, 9999, Date.now() - 1000, Date.now() + 86_400_000, pdf);
  store.transaction(() => store.notices.update(wordNotice, { description: 'x'.repeat(WORD) }, [], [], 'bench', Date.now()));
  console.error(`creating the ${BIG}-notice board`);
  await board.publisher.engine.commit(big.id, () => {
    for (let i = 0; i < BIG; i++) store.notices.publish(store.notices.create(big, bigFields(i), [], 'bench', t).id, 'bench', t);
  });
  const bigMirror = () => board.publisher.engine.status().boards.find((b) => b.boardId === big.id)!.channels.find((c) => c.channel === 'mirror')!;
  // Measure only once its snapshot is signed and its mirror build is running in the worker.
  while (!bigMirror().running) await new Promise((r) => setTimeout(r, 50));
  // Generous lead: creating and publishing each notice takes longer while the big build runs.
  const loadStart = Date.now() + 10_000 + LOADED * 1_500;
  const loaded: { id: string; postAt: number; removeAt: number }[] = [];
  for (let i = 0; i < LOADED; i++) {
    const postAt = loadStart + i * 700;
    const id = await create(board, 2000 + i, postAt, postAt + 3000, pdf);
    await apiJson(board, `/notices/${id}/publish`, { method: 'POST' });
    loaded.push({ id, postAt, removeAt: postAt + 3000 });
  }
  await new Promise((r) => setTimeout(r, Math.max(0, loadStart - 1000 - Date.now())));
  const certificate = fetch(`${board.publisher.url}/api/v1/notices/${wordNotice}/certificate`, { headers: { Authorization: `Bearer ${board.init.apiToken}` } }).then(
    async (r) => ({ status: String(r.status), bytes: (await r.arrayBuffer()).byteLength, at: Date.now() }),
    (e: unknown) => ({ status: `no answer (${e instanceof Error ? String(e.cause ?? e.message) : String(e)})`, bytes: 0, at: Date.now() }),
  );
  const certStart = Date.now();
  // Keep the big board's mirror rebuilding across the whole window: while a build runs, a change
  // on that board makes the next snapshot, so the next 10,000-page build starts as this one ends.
  const windowEnd = loaded.at(-1)!.removeAt + 2500;
  let samples = 0;
  let busy = 0;
  let rebuilds = 0;
  while (Date.now() < windowEnd) {
    const running = bigMirror().running;
    const b = board.publisher.engine.status().boards.find((x) => x.boardId === big.id)!;
    if (Date.now() >= loadStart) {
      samples++;
      if (running) busy++;
    }
    if (b.pendingJobs === 0 && b.latestSeq - bigMirror().deliveredSeq < 2 && Date.now() < loaded.at(-1)!.removeAt) {
      rebuilds++;
      // A clerk's draft on the big board: every change commits a job and a fresh snapshot.
      await board.publisher.engine.commit(big.id, () => store.notices.create(big, { ...bigFields(BIG + rebuilds), postAt: null }, [], 'bench', Date.now()));
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const busyShare = samples ? Math.round((100 * busy) / samples) : 0;
  const seen2 = await page.evaluate(() => (window as unknown as { __seen: Record<string, { in?: number; out?: number }> }).__seen);
  const cert = await certificate;
  const loadedKioskPost = loaded.map((p) => (seen2[p.id]?.in ?? NaN) - p.postAt).filter((v) => !Number.isNaN(v));
  const loadedKioskRemove = loaded.map((p) => (seen2[p.id]?.out ?? NaN) - p.removeAt).filter((v) => !Number.isNaN(v));
  const loadedMirrorPost = loaded.map((p) => Date.parse(mirrorOf(p.id)?.firstShownAt ?? 'x') - p.postAt).filter((v) => !Number.isNaN(v));
  const loadedMirrorRemove = loaded.map((p) => Date.parse(mirrorOf(p.id)?.goneAt ?? 'x') - p.removeAt).filter((v) => !Number.isNaN(v));
  const loadedMissing = 4 * LOADED - loadedKioskPost.length - loadedKioskRemove.length - loadedMirrorPost.length - loadedMirrorRemove.length;
  const rss = process.memoryUsage().rss;

  const lines = [
    '# Benchmarks',
    '',
    'Produced by `npm run bench` (bench/run.ts); rerun it to refresh this file. Figures are from one run on the',
    `machine below; the publisher, the kiosk (headless shell, the same handler Electron serves) and Chromium`,
    'share its 2 cores. No peer product does this end to end, so there is no comparison row.',
    '',
    `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    `- Run: ${new Date().toISOString()}, ${N} notices per measurement, each with one PDF attachment`,
    '',
    '| measurement | n | p50 | p95 | min | max |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('publish call → notice on the kiosk screen', publishToVisible),
    row('kiosk: posting instant → on screen (lateness)', postLate.filter((v) => !Number.isNaN(v))),
    row('kiosk: removal instant → off screen (lateness)', removeLate.filter((v) => !Number.isNaN(v))),
    row('mirror: posting instant → mirror rebuilt with it', mirrorPostLate.filter((v) => !Number.isNaN(v))),
    row('mirror: removal instant → mirror rebuilt without it', mirrorRemoveLate.filter((v) => !Number.isNaN(v))),
    '',
    `A negative lateness would mean something was shown or removed early; the minimum column shows none was.`,
    `Instants not observed: ${missing}. Resident memory of the publisher + kiosk process after the run: ${Math.round(rss / 2 ** 20)} MiB.`,
    '',
    `### Under load: a ${BIG}-notice mirror build for another board and a certificate with a ${WORD}-character unbroken word`,
    '',
    `Command: \`BENCH_NOTICES=${N} BENCH_BIG_BOARD=${BIG} BENCH_CERT_WORD=${WORD} BENCH_LOADED_NOTICES=${LOADED} npm run bench\`. ${LOADED} notices posting 700 ms apart, each removed 3 s later;`,
    `the big board's mirror was being rebuilt during ${busyShare} % of the measured window (${rebuilds} edits queued a rebuild);`,
    `the certificate answered ${cert.status} (${cert.bytes} bytes) ${Math.round((cert.at - certStart) / 1000)} s after the request.`,
    '',
    '| measurement | n | p50 | p95 | min | max |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...(loadedKioskPost.length ? [row('kiosk under load: posting lateness', loadedKioskPost)] : []),
    ...(loadedKioskRemove.length ? [row('kiosk under load: removal lateness', loadedKioskRemove)] : []),
    ...(loadedMirrorPost.length ? [row('mirror under load: posting lateness', loadedMirrorPost)] : []),
    ...(loadedMirrorRemove.length ? [row('mirror under load: removal lateness', loadedMirrorRemove)] : []),
    '',
    `Instants not observed under load: ${loadedMissing}.`,
    '',
    'Kiosk lateness is measured in the page (a MutationObserver on the list, wall clock), so it includes the',
    'kiosk timer, the server-sent event to the UI, the state fetch and Svelte rendering. Mirror lateness is the',
    'instant the publication engine rebuilt the mirror (the evidence it records), from its own timer.',
    '',
    await refusedBodies(),
    await certificateTimes(),
  ];
  writeFileSync(join(root, 'BENCHMARKS.md'), lines.join('\n'));
  console.log(readFileSync(join(root, 'BENCHMARKS.md'), 'utf8'));
} finally {
  await browser.close();
  await kiosk.stop();
  await board.publisher.stop();
  rmSync(dir, { recursive: true, force: true });
}
await import('./search.ts'); // search benchmark: its own section of BENCHMARKS.md
await (await import('./inbox.ts')).writeInboxSection(); // inbox import rate → its section in BENCHMARKS.md
await (await import('./growth.ts')).writeGrowthSections(); // years of growth, API publish throughput, a simulated year → their sections
await (await import('./mirror-peers.ts')).writeMirrorPeersSection(); // the mirror's full build beside Hugo (skipped when missing) and Eleventy → its section
