/**
 * A simulated year (issue 7, item 6): a board starting with NOTICES posted notices, then CHANGES
 * clerk changes (creates, draft edits, publications, corrections, withdrawals) spread over a
 * simulated year, with the postings and removals the clock brings, and KIOSKS real kiosks (the
 * kiosk's own sync engine and replica, headless, over loopback HTTP). At the start and at the end
 * of the year: store size, and publish latency through the real HTTP API (publish call → snapshot
 * servable on the feed → all kiosks applied it), PROBES publishes at each end, one at a time.
 *
 * The middle of the year runs through the store and the publication engine (what the HTTP routes
 * call), not over HTTP. The publisher and the kiosks share a clock that runs in real time from an
 * instant the benchmark moves forward by BENCH_YEAR_STEP_HOURS (24 by default: a day at a time; 168,
 * a week; 1, an hour); every posting and removal instant falls on a step. At each step in office
 * hours on a working day, the changes since the previous one are one engine.commit (one transaction,
 * one publish job, one signed snapshot); every step ends with the engine's sweep tick (the postings
 * and removals that fell due are logged and snapshotted) and waits until the engine is idle.
 *
 * BENCH_YEAR_SCALE=1 is the full year (5,000 notices, 50,000 changes), 0.1 a tenth of both (the
 * default); BENCH_YEAR_NOTICES and BENCH_YEAR_CHANGES set either alone. BENCH_YEAR_PROBES publishes
 * at each end (50). The kiosks are stopped for the middle of the year and catch up from their own
 * data at the end (timed); BENCH_YEAR_MIDYEAR_KIOSKS=on keeps them syncing all along.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startBoard, writeProfile, type Board } from '../test/e2e/harness.ts';
import { startKiosk, type RunningKiosk } from '../src-main/kiosk/run.ts';
import { verifyStore } from '../src-main/evidence/audit-verify.ts';
import { systemClock, type Clock, type TimerHandle } from '../src-main/schedule/clock.ts';
import type { NoticeFields } from '../src-main/shared/domain.ts';
import { tempDir } from '../test/helpers/tmp.ts';
import { pct, snapshotBytes, usedBytes } from './growth.ts';

const SCALE = Number(process.env.BENCH_YEAR_SCALE ?? 0.1);
const NOTICES = Number(process.env.BENCH_YEAR_NOTICES ?? Math.round(5_000 * SCALE));
const CHANGES = Number(process.env.BENCH_YEAR_CHANGES ?? Math.round(50_000 * SCALE));
const KIOSKS = Number(process.env.BENCH_YEAR_KIOSKS ?? 10);
const PROBES = Number(process.env.BENCH_YEAR_PROBES ?? 50);
const MIDYEAR_KIOSKS = process.env.BENCH_YEAR_MIDYEAR_KIOSKS === 'on';
/** Hours between the steps of the simulated clock: 24 (default) is a day at a time, 1 an hour. */
const STEP = Number(process.env.BENCH_YEAR_STEP_HOURS ?? 24);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Real time, from an instant the benchmark sets: publisher and kiosks see the same "now". */
class YearClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  set(t: number): void {
    this.offset = t - Date.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return systemClock.setTimeout(fn, ms);
  }
  clearTimeout(h: TimerHandle): void {
    systemClock.clearTimeout(h);
  }
}

/** A small seeded generator, so every run is the same year. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const fieldsOf = (i: number, postAt: number, removeAt: number | null): NoticeFields => ({
  title: `Oznámení č. ${i}: Žádost o vyjádření k projektové dokumentaci stavby`,
  description: `Odbor výstavby oznamuje zahájení řízení ve věci č. ${i}. Účastníci mohou nahlížet do podkladů v úředních hodinách.`,
  category: 'Oznámení',
  department: 'Odbor výstavby',
  referenceNumber: `MÚ/${i}/2026`,
  fileMark: '',
  postAt: new Date(postAt).toISOString(),
  removeAt: removeAt === null ? null : new Date(removeAt).toISOString(),
});

interface Probe {
  snapshot: number[];
  kiosks: number[];
}
interface Live {
  id: string;
  postAt: number;
  removeAt: number;
}

export async function simulatedYear(): Promise<string> {
  using tmp = tempDir('deska-bench-year-');
  const clock = new YearClock();
  const T0 = Math.floor(Date.now() / DAY) * DAY + 14 * HOUR; // 15:00 in Prague (winter): working steps fall in office hours
  clock.set(T0);
  const board: Board = await startBoard(tmp.path, { clock, sweep: false, inbox: false, onLog: () => undefined });
  const { store } = board.publisher.ctx;
  const engine = board.publisher.engine;
  const id = board.init.board.id;
  const b = store.board(id)!;
  const api = `${board.publisher.url}/api/v1`;
  const auth = { Authorization: `Bearer ${board.init.apiToken}` };
  const random = rng(2026);
  const snapshotAt = new Map<number, number>();
  const off = engine.onSnapshot((_b, s) => snapshotAt.set(s.seq, performance.now()));
  let kiosks: RunningKiosk[] = [];
  const profiles: string[] = [];
  const posted: Live[] = [];
  let serial = 0;
  const period = (): number => (15 + Math.floor(random() * 211)) * DAY; // 15 to 225 days, 120 on average
  try {
    // The start of the year: NOTICES posted notices, to be removed over the year.
    await engine.commit(id, () => {
      for (let i = 0; i < NOTICES; i++) {
        const removeAt = T0 + (1 + Math.floor((random() * 364 * 24) / STEP)) * STEP * HOUR;
        posted.push({ id: store.notices.publish(store.notices.create(b, fieldsOf(serial++, T0, removeAt), [], 'import', T0).id, 'import', T0).id, postAt: T0, removeAt });
      }
    });
    await engine.idle();
    const startKiosks = async (): Promise<void> => {
      kiosks = [];
      for (const p of profiles) kiosks.push(await startKiosk({ profilePath: p, shell: 'headless', port: 0, clock, onLog: () => undefined }));
    };
    for (let k = 0; k < KIOSKS; k++) profiles.push(writeProfile(board, `kiosk-${k}`));
    await startKiosks();
    const allApplied = async (seq: number): Promise<void> => {
      while (kiosks.some((k) => (k.replica?.applied()?.seq ?? 0) < seq)) await new Promise((r) => setTimeout(r, 5));
    };
    await allApplied(store.snapshots.latestSeq(id));

    /** PROBES publishes through the HTTP API, one at a time, each waited for on every kiosk. */
    const probe = async (): Promise<Probe> => {
      const p: Probe = { snapshot: [], kiosks: [] };
      for (let i = 0; i < PROBES; i++) {
        const now = clock.now();
        const form = new FormData();
        form.set('metadata', JSON.stringify(fieldsOf(serial++, now - 1000, now + 30 * DAY)));
        const res = await fetch(`${api}/boards/${id}/notices`, { method: 'POST', headers: auth, body: form });
        if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
        const n = ((await res.json()) as { id: string }).id;
        await engine.idle();
        await allApplied(store.snapshots.latestSeq(id));
        const t = performance.now();
        const pub = await fetch(`${api}/notices/${n}/publish`, { method: 'POST', headers: auth });
        if (!pub.ok) throw new Error(`publish: ${pub.status} ${await pub.text()}`);
        await pub.arrayBuffer();
        posted.push({ id: n, postAt: clock.now(), removeAt: now + 30 * DAY });
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
    const count = (sql: string): number => store.db.prepare(sql).pluck().get() as number;
    const size = (): { used: number; file: number; snapshots: number; snapshotCount: number; events: number } => {
      const used = usedBytes(store.db); // checkpoints first, so the file is the whole store
      return { used, file: statSync(join(board.dir, 'data', 'deska.sqlite')).size, snapshots: snapshotBytes(store.db), snapshotCount: count('SELECT COUNT(*) FROM snapshots'), events: count('SELECT COUNT(*) FROM events') };
    };

    const startSize = size();
    const start = await probe();
    const afterProbes = { snapshots: snapshotBytes(store.db), count: count('SELECT COUNT(*) FROM snapshots') };
    console.error(`year: start measured (${startSize.snapshotCount} snapshots), running ${CHANGES} changes`);

    // The middle of the year, hour by hour: clerks work Monday to Friday, 8:00 to 16:00 (UTC 7–15, winter time).
    const yearStart = performance.now();
    if (!MIDYEAR_KIOSKS) for (const k of kiosks) await k.stop();
    const hours = Math.floor((365 * 24) / STEP) * STEP;
    const working = (t: number): boolean => {
      const d = new Date(t);
      return d.getUTCDay() >= 1 && d.getUTCDay() <= 5 && d.getUTCHours() >= 7 && d.getUTCHours() < 15;
    };
    let batches = 0;
    for (let h = STEP; h <= hours; h += STEP) if (working(T0 + h * HOUR)) batches++;
    const tally = { created: 0, edited: 0, published: 0, scheduled: 0, corrected: 0, withdrawn: 0 };
    let done = 0;
    let batch = 0;
    let commits = 0;
    const pick = (now: number): Live | null => {
      for (let tries = 0; tries < 20 && posted.length > 0; tries++) {
        const j = Math.floor(random() * posted.length);
        const l = posted[j]!;
        if (l.removeAt <= now) {
          posted[j] = posted.at(-1)!;
          posted.pop();
          continue;
        }
        if (l.postAt <= now && l.removeAt > now + HOUR) return l;
      }
      return null;
    };
    const drop = (l: Live): void => {
      const j = posted.indexOf(l);
      posted[j] = posted.at(-1)!;
      posted.pop();
    };
    for (let h = STEP; h <= hours; h += STEP) {
      const now = T0 + h * HOUR;
      clock.set(now);
      if (working(now)) {
        batch++;
        const target = Math.round((batch * CHANGES) / batches);
        if (done < target) commits++;
        if (done < target) await engine.commit(id, () => {
          while (done < target) {
            const r = random();
            const l = r < 0.77 ? null : pick(now);
            if (l && r < 0.92) {
              store.revisions.correct(l.id, { patch: { description: `Opravený popis ${serial++}.` }, add: [], removeShas: [], reason: 'Oprava překlepu v popisu.', restartPeriod: false }, 'clerk', now);
              tally.corrected++;
              done++;
            } else if (l) {
              store.notices.withdraw(l.id, 'Nahrazeno novým oznámením.', 'clerk', now);
              drop(l);
              tally.withdrawn++;
              done++;
            } else {
              // A new notice: created, its draft edited, published (three in ten for a later posting).
              const later = random() < 0.3 ? (1 + Math.floor(random() * Math.max(1, 72 / STEP))) * STEP * HOUR : 0;
              const postAt = now + later;
              const removeAt = postAt + period();
              const n = store.notices.create(b, fieldsOf(serial++, postAt, removeAt), [], 'clerk', now);
              store.notices.update(n.id, { description: `Upravený popis ${serial}.` }, [], [], 'clerk', now);
              store.notices.publish(n.id, 'clerk', now);
              posted.push({ id: n.id, postAt, removeAt });
              tally.created++;
              tally.edited++;
              tally.published++;
              if (later > 0) tally.scheduled++;
              done += 3;
            }
          }
        });
      }
      // The sweep: postings and removals that fell due this hour are logged and snapshotted.
      await engine.tick(now, 'sweep');
      await engine.idle();
      if ((h / STEP) % Math.max(1, Math.round(240 / STEP)) === 0) console.error(`year: hour ${h}/${hours}, ${done}/${CHANGES} changes, ${store.snapshots.latestSeq(id)} snapshots, ${Math.round((performance.now() - yearStart) / 1000)} s`);
    }
    await engine.idle();
    const yearSeconds = (performance.now() - yearStart) / 1000;
    const catchUpStart = performance.now();
    if (!MIDYEAR_KIOSKS) await startKiosks();
    await allApplied(store.snapshots.latestSeq(id));
    const catchUpMs = performance.now() - catchUpStart;
    const endSize = size();
    const clockPostings = count(`SELECT COUNT(*) FROM events WHERE action = 'posted' AND actor = 'system:schedule'`);
    const clockRemovals = count(`SELECT COUNT(*) FROM events WHERE action = 'removed' AND actor = 'system:schedule'`);
    const postedNow = store.notices.live(id, clock.now()).length;
    const end = await probe();
    const verifyStart = performance.now();
    const verified = verifyStore(store);
    const verifyMs = performance.now() - verifyStart;
    const total = count('SELECT COUNT(*) FROM notices');
    const manifest = store.snapshots.latest(id)!.manifest.length;
    const yearSnapshots = endSize.snapshotCount - afterProbes.count;
    const mb = (v: number): string => `${(v / 2 ** 20).toFixed(1)} MB`;
    const ms = (v: number[], p: number): string => `${Math.round(pct(v, p))} ms`;
    const n = (v: number): string => v.toLocaleString('en');
    const full = NOTICES === 5_000 && CHANGES === 50_000;
    const snapPer = (endSize.snapshots - afterProbes.snapshots) / Math.max(1, yearSnapshots);
    return `## A simulated year

${full ? 'Full size' : `**Not full size: ${n(NOTICES)} notices (full: 5,000) and ${n(CHANGES)} changes (full: 50,000)**`}: a board starting with ${n(NOTICES)} posted notices
(to be removed by the clock over the year), then a simulated year of ${n(done)} clerk changes (${n(tally.created)} notices created,
${n(tally.edited)} draft edits, ${n(tally.published)} publications of which ${n(tally.scheduled)} for a later posting, ${n(tally.corrected)} corrections,
${n(tally.withdrawn)} withdrawals) on working days (Monday to Friday), each notice posted for 15 to 225 days; the clock
logged ${n(clockPostings)} postings (immediate ones included) and ${n(clockRemovals)} removals. ${KIOSKS} kiosks (the kiosk's own sync
engine and replica, headless, syncing from the publisher's feed over loopback HTTP; no browser, which
plays no part in applying a snapshot) ${MIDYEAR_KIOSKS ? 'synced all along' : `were stopped for the middle of the year and then caught up from their own data (${(catchUpMs / 1000).toFixed(1)} s for all ${KIOSKS})`}; mirror and feed folder on.
Notices without attachments (files live beside the database, not in it).

| | start of year | end of year |
| --- | ---: | ---: |
| notices posted | ${n(NOTICES)} | ${n(postedNow)} |
| notices in the store (all states) | ${n(NOTICES)} | ${n(total)} |
| snapshots | ${n(startSize.snapshotCount)} | ${n(endSize.snapshotCount)} |
| audit events | ${n(startSize.events)} | ${n(endSize.events)} |
| SQLite file (whole store, after a checkpoint) | ${mb(startSize.file)} | ${mb(endSize.file)} |
| of which pages in use | ${mb(startSize.used)} | ${mb(endSize.used)} |
| of which snapshots (parts, frames, chunk lists, signatures) | ${mb(startSize.snapshots)} | ${mb(endSize.snapshots)} |
| publish (HTTP API) → snapshot servable, p50 / p95 | ${ms(start.snapshot, 50)} / ${ms(start.snapshot, 95)} | ${ms(end.snapshot, 50)} / ${ms(end.snapshot, 95)} |
| publish (HTTP API) → all ${KIOSKS} kiosks applied it, p50 / p95 | ${ms(start.kiosks, 50)} / ${ms(start.kiosks, 95)} | ${ms(end.kiosks, 50)} / ${ms(end.kiosks, 95)} |

At the end: manifest ${(manifest / 1024).toFixed(0)} KB; \`audit verify\` (verifyStore, what \`deska audit verify\` runs: every
snapshot put back together, hashed and its signature checked, the audit chain checked) took
${(verifyMs / 1000).toFixed(1)} s and found ${verified.problems.length} problems. The simulated year took ${(yearSeconds / 60).toFixed(1)} min on this shared 2-core machine.

Latency: ${PROBES} publishes through the HTTP API at each end, one at a time, each after the previous one
reached every kiosk. The kiosks run in the benchmark's own process, on the publisher's event loop, so
"all kiosks applied" includes each kiosk waiting for the others' turns (real kiosks have a machine each). The middle of the year went through the store and the publication engine (the
calls the HTTP routes make, without HTTP). The clock moved ${STEP === 1 ? 'an hour' : STEP === 24 ? 'a day' : STEP === 168 ? 'a week' : `${STEP} hours`} at a time; every posting and removal instant
of the year falls on a step, so none was logged late. At each step that falls in office hours on a working day: the changes since the previous one
in one commit (one transaction, one publish job: ${n(commits)} of them), then the engine's sweep tick (the postings and
removals that fell due are logged and published; the newest snapshot is re-signed when it is getting old),
then the benchmark waited until the engine was idle (snapshot signed, feed, feed folder and mirror delivered): ${n(yearSnapshots)} snapshots in the year,
about ${(snapPer / 1024).toFixed(1)} KB of snapshot data each. Fewer snapshots than changes store less snapshot data than one snapshot per
change would (see the store growth per change in "Years of growth" for that cost); every change's
notice rows and audit events are in the store as they would be.

Command: \`BENCH_YEAR_NOTICES=${NOTICES} BENCH_YEAR_CHANGES=${CHANGES} BENCH_YEAR_KIOSKS=${KIOSKS} BENCH_YEAR_PROBES=${PROBES}${STEP === 24 ? '' : ` BENCH_YEAR_STEP_HOURS=${STEP}`}${MIDYEAR_KIOSKS ? ' BENCH_YEAR_MIDYEAR_KIOSKS=on' : ''} node bench/growth.ts year\`.
`;
  } finally {
    off();
    for (const k of kiosks) await k.stop().catch(() => undefined);
    await board.publisher.stop();
  }
}
