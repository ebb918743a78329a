/**
 * Kiosk search benchmark: a kiosk replica (real SQLite, migration 4's FTS5 index) holding
 * 10,000 notices (BENCH_KIOSK_NOTICES) whose attachments carry about 3 KB of extracted Czech
 * text each, as the signed feed delivers it; then the time to rebuild the index after a
 * snapshot, and the p50/p95 of what a visitor types on the kiosk keyboard (prefixes, no
 * diacritics, one or two words), through Replica.search, which /api/search calls.
 *
 *   node bench/kiosk-search.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Replica } from '../src-main/kiosk/replica.ts';
import type { FeedManifest, FeedNotice } from '../src-main/shared/feed.ts';

const N = Number(process.env.BENCH_KIOSK_NOTICES ?? 10_000);
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const WORDS = (`obec úřad oznámení veřejná vyhláška stavební povolení rozhodnutí územní plán změna pozemek parcela katastrální
zastupitelstvo zasedání rozpočet kanalizace vodovod silnice chodník uzavírka rekonstrukce výstavba kácení dřevin dražba
nemovitost pronájem prodej záměr směna darování břemeno přípojka plynovod hydrogeologický průzkum lokalita humny mostu
oprava komunikace provozu značení odbor životního prostředí myslivost honitba exekuční příkaz byt dům rodinný`).split(/\s+/);

let seed = 42;
const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const text = (words: number): string => Array.from({ length: words }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');

const dir = mkdtempSync(join(tmpdir(), 'deska-kiosk-bench-'));
try {
  const r = new Replica(dir);
  const files = new Map<string, Uint8Array>();
  const notices: FeedNotice[] = [];
  for (let i = 0; i < N; i++) {
    const pdf = new TextEncoder().encode(`%PDF-1.4 notice ${i}`);
    const body = new TextEncoder().encode(`${text(400)} č. j. MU-${i}/2026`);
    files.set(sha(pdf), pdf);
    files.set(sha(body), body);
    notices.push({
      id: `n${i}`,
      title: `${text(6)} ${i}`,
      description: text(20),
      category: ['Veřejná vyhláška', 'Majetek obce', 'Stavební řízení', 'Zastupitelstvo'][i % 4]!,
      department: 'Stavební úřad',
      referenceNumber: `MU-${i}/2026`,
      fileMark: '',
      postAt: '2026-11-01T08:00:00.000Z',
      removeAt: null,
      revision: 1,
      publishedAt: '2026-11-01T08:00:00.000Z',
      attachments: [{ sha256: sha(pdf), name: `n${i}.pdf`, size: pdf.length, mediaType: 'application/pdf', textSha256: sha(body), textSize: body.length }],
    });
  }
  const manifest: FeedManifest = {
    format: 'deska-feed/1',
    board: { id: 'bench', name: 'Bench', ico: '12345678', timeZone: 'Europe/Prague', publicUrl: 'https://example.org/' },
    snapshot: { seq: 1, createdAt: '2026-11-21T08:00:00.000Z', horizonUntil: '2026-12-01T00:00:00.000Z', validUntil: '2100-01-01T00:00:00.000Z' },
    notices,
  } as FeedManifest;
  const t0 = performance.now();
  r.apply({ manifest, bytes: new TextEncoder().encode(JSON.stringify(manifest)), signature: 'x', files }, '2026-11-21T08:00:00.000Z');
  const applyMs = performance.now() - t0;
  const t1 = performance.now();
  r.reindex();
  const reindexMs = performance.now() - t1;
  const queries = ['u', 'uz', 'uzem', 'uzemni plan', 'hydrogeo', 'pozem', 'kanaliz', 'mu-4711', 'xyz', 'stavebni povoleni', 'zastup', 'dr'];
  const times: number[] = [];
  for (let round = 0; round < 20; round++)
    for (const q of queries) {
      const t = performance.now();
      r.search(q);
      times.push(performance.now() - t);
    }
  times.sort((a, b) => a - b);
  const p = (x: number): string => times[Math.min(times.length - 1, Math.floor(x * times.length))]!.toFixed(2);
  console.log(`kiosk search over ${N} notices: apply with index ${applyMs.toFixed(0)} ms, reindex ${reindexMs.toFixed(0)} ms, search p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${times.at(-1)!.toFixed(2)} ms (${times.length} queries)`);
  r.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
