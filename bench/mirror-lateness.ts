/**
 * `node bench/mirror-lateness.ts`: how late a small board's web mirror posts and removes notices,
 * alone and while another board's mirror (BIG notices) is rebuilt without a pause, and how long
 * the publisher's event loop stalls meanwhile. No kiosk and no Chromium, so it takes under a
 * minute: the quick check for the mirror path (`npm run bench` measures the whole product).
 * Prints a Markdown table; BENCH_BIG_BOARD (default 10,000) and BENCH_LOADED_NOTICES (20).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { makeDocumentPdf } from '../src-main/demo/pdf.ts';
import { mirrorPath } from '../src-main/publisher/server.ts';
import { apiJson, startBoard, type Board } from '../test/e2e/harness.ts';

const BIG = Number(process.env.BENCH_BIG_BOARD ?? 10_000);
const LOADED = Number(process.env.BENCH_LOADED_NOTICES ?? 20);

const pct = (v: number[], p: number): number => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const row = (name: string, v: number[]): string =>
  `| ${name} | ${v.length} | ${Math.round(pct(v, 50))} ms | ${Math.round(pct(v, 95))} ms | ${Math.round(Math.min(...v))} ms | ${Math.round(Math.max(...v))} ms |`;

async function create(board: Board, pdf: Uint8Array, i: number, postAt: number, removeAt: number): Promise<string> {
  const form = new FormData();
  form.set('metadata', JSON.stringify({ title: `Měřené oznámení ${i}`, description: 'Benchmark', category: 'Oznámení', department: 'OÚ', referenceNumber: '', fileMark: '', postAt: new Date(postAt).toISOString(), removeAt: new Date(removeAt).toISOString() }));
  form.append('files', new Blob([Buffer.from(pdf)], { type: 'application/pdf' }), `oznameni-${i}.pdf`);
  const { id } = await apiJson<{ id: string }>(board, `/boards/${board.init.board.id}/notices`, { method: 'POST', body: form });
  await apiJson(board, `/notices/${id}/publish`, { method: 'POST' });
  return id;
}

/** Notices posting 700 ms apart, each removed 3 s later; `during` runs every 100 ms meanwhile. Lateness per instant. */
async function measure(board: Board, pdf: Uint8Array, first: number, during: () => Promise<void>): Promise<{ post: number[]; remove: number[]; loop: string }> {
  const start = Date.now() + 3000 + LOADED * 400;
  const planned: { id: string; postAt: number; removeAt: number }[] = [];
  for (let i = 0; i < LOADED; i++) {
    const postAt = start + i * 700;
    planned.push({ id: await create(board, pdf, first + i, postAt, postAt + 3000), postAt, removeAt: postAt + 3000 });
  }
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  while (Date.now() < planned.at(-1)!.removeAt + 2500) {
    await during();
    await new Promise((r) => setTimeout(r, 100));
  }
  loop.disable();
  const channel = `mirror:${resolve(mirrorPath(join(board.dir, 'data'), board.init.board.id))}`;
  const seen = (id: string) => board.publisher.ctx.store.evidence.forNotice(id).find((s) => s.channel === channel);
  const post = planned.map((p) => Date.parse(seen(p.id)?.firstShownAt ?? 'x') - p.postAt).filter((v) => !Number.isNaN(v));
  const remove = planned.map((p) => Date.parse(seen(p.id)?.goneAt ?? 'x') - p.removeAt).filter((v) => !Number.isNaN(v));
  const ms = (ns: number): string => `${Math.round(ns / 1e6)} ms`;
  return { post, remove, loop: `event-loop delay p50 ${ms(loop.percentile(50))}, p99 ${ms(loop.percentile(99))}, max ${ms(loop.max)}` };
}

const dir = mkdtempSync(join(tmpdir(), 'deska-mirror-bench-'));
const board = await startBoard(dir);
try {
  const store = board.publisher.ctx.store;
  const pdf = await makeDocumentPdf('Měřené oznámení', ['Příliš žluťoučký kůň úpěl ďábelské ódy.']);
  for (let i = 0; i < 40; i++) await create(board, pdf, i, Date.now() - 1000, Date.now() + 3_600_000);
  const alone = await measure(board, pdf, 100, async () => undefined);

  const big = { id: 'velka', name: 'Statutární město Velká', ico: '00099999', timeZone: 'Europe/Prague', publicUrl: 'https://velka.example/' };
  const t = Date.now();
  const fields = (i: number) => ({ title: `Oznámení č. ${i}`, description: `Popis ${i}.`, category: 'Oznámení', department: 'Odbor', referenceNumber: '', fileMark: '', postAt: new Date(t - 86_400_000).toISOString(), removeAt: null });
  store.createBoard(big, t);
  await board.publisher.engine.commit(big.id, () => {
    for (let i = 0; i < BIG; i++) store.notices.publish(store.notices.create(big, fields(i), [], 'bench', t).id, 'bench', t);
  });
  const bigStatus = () => {
    const b = board.publisher.engine.status().boards.find((x) => x.boardId === big.id)!;
    return { b, mirror: b.channels.find((c) => c.channel === 'mirror')! };
  };
  while (!bigStatus().mirror.running) await new Promise((r) => setTimeout(r, 50));
  let samples = 0;
  let busy = 0;
  let edits = 0;
  // While a build runs, a draft on the big board queues the next one: its mirror builds without a pause.
  const loaded = await measure(board, pdf, 200, async () => {
    const { b, mirror } = bigStatus();
    samples++;
    if (mirror.running) busy++;
    if (b.pendingJobs === 0 && b.latestSeq - mirror.deliveredSeq < 2) {
      edits++;
      await board.publisher.engine.commit(big.id, () => store.notices.create(big, { ...fields(BIG + edits), postAt: null }, [], 'bench', Date.now()));
    }
  });
  console.log(
    [
      `### Web mirror lateness of a small board (40 + ${LOADED} notices)`,
      '',
      `Command: \`node bench/mirror-lateness.ts\` (BENCH_BIG_BOARD=${BIG}, BENCH_LOADED_NOTICES=${LOADED}); ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}.`,
      `Under load the ${BIG}-notice board's mirror was being built during ${Math.round((100 * busy) / Math.max(1, samples))} % of the window (${edits} edits queued rebuilds).`,
      '',
      '| measurement | n | p50 | p95 | min | max |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      row('alone: posting instant → mirror live', alone.post),
      row('alone: removal instant → mirror live', alone.remove),
      row(`${BIG}-notice board rebuilding: posting lateness`, loaded.post),
      row(`${BIG}-notice board rebuilding: removal lateness`, loaded.remove),
      '',
      `Publisher's event loop (10 ms resolution): alone ${alone.loop}; under load ${loaded.loop}.`,
      '',
    ].join('\n'),
  );
} finally {
  await board.publisher.stop();
  rmSync(dir, { recursive: true, force: true });
}
