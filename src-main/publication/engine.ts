/**
 * Publication, wired: the outbox (a job commits with every change and every schedule instant),
 * the snapshot worker (jobs → one signed snapshot per board), and the channels that consume the
 * snapshots on their own lanes (src-main/channels/: feed, feed folder, mirror, deploy, web probe).
 * Nothing here waits for a channel: the API answers once its change is committed, the schedule's
 * timers only write jobs, and a failing board or channel holds back no other.
 */
import type { MirrorSettings } from '../mirror/settings.ts';
import { DeployChannel } from '../channels/deploy.ts';
import { FeedFolderChannel } from '../channels/feed-folder.ts';
import { FeedChannel, type FeedListener } from '../channels/feed.ts';
import { MirrorChannel } from '../channels/mirror.ts';
import { ChannelRunner, type Channel } from '../channels/runner.ts';
import type { BoardChannelSettings } from '../channels/settings.ts';
import { WebProbeChannel } from '../channels/web-probe.ts';
import type { PublicationTrigger } from '../publisher/context.ts';
import type { Clock } from '../schedule/clock.ts';
import { schedule, type CronJob } from '../schedule/cron.ts';
import { Scheduler } from '../schedule/scheduler.ts';
import type { BoardPublicationStatus, ChannelStatusView, PublicationChannel, PublicationStatusResponse } from '../shared/publication-status.ts';
import type { Store } from '../store/store.ts';

type DueInstant = ReturnType<Store['notices']['dueInstants']>[number];
import { previousDay, writeDigest } from './digest.ts';
import { Lanes } from './lanes.ts';
import { Outbox, type JobReason } from './outbox.ts';
import { DEFAULT_RETRY, reasonOf, type RetryPolicy } from './retry.ts';
import { publicKeyOf } from './signing.ts';
import { DEFAULT_HORIZON_MS, SNAPSHOT_VALIDITY_MS } from './snapshot.ts';
import { ChannelStatusRepo } from './status.ts';
import { SnapshotWorker } from './worker.ts';

export interface EngineOptions {
  store: Store;
  clock: Clock;
  privateKeyPem: string;
  /** Where each board's mirror is published (a symlink swapped atomically), or null for none. */
  mirrorDir: (boardId: string) => string | null;
  /** Where each board's feed is also written as files for folder-based kiosks, or null. */
  feedFolder?: (boardId: string) => string | null;
  /** Where each board's signed daily digests are kept (and published with the mirror), or null. */
  digestDir?: (boardId: string) => string | null;
  /** The board's mirror settings (DATA/mirror.json), read at each build; throws a Czech message when malformed. */
  mirrorSettings?: (boardId: string) => MirrorSettings;
  /** Deploy command and public-URL probe per board (DATA/publication.json). */
  settings?: (boardId: string) => BoardChannelSettings;
  horizonMs?: number;
  /** Start the node-cron minute sweep and the daily digest (off in tests that drive the clock by hand). */
  sweep?: boolean;
  retry?: Partial<RetryPolicy>;
  onLog?: (line: string) => void;
}

/** A board's newest snapshot is re-signed once it is older than this (kiosks tell a lost feed from a quiet board). */
export const RESIGN_AFTER_MS = SNAPSHOT_VALIDITY_MS / 4;

/** Due postings and removals logged per transaction before the schedule yields the event loop. */
const LOG_SLICE = 500;

/** Daily digest: five minutes past midnight in the board's zone. */
const DIGEST_CRON = '0 5 0 * * *';

export class PublicationEngine implements PublicationTrigger {
  private readonly o: EngineOptions;
  private readonly horizonMs: number;
  private readonly scheduler: Scheduler;
  private readonly lanes: Lanes;
  private readonly outbox: Outbox;
  readonly channelStatus: ChannelStatusRepo;
  private readonly worker: SnapshotWorker;
  private readonly feed: FeedChannel;
  private readonly mirror: MirrorChannel;
  private readonly runners = new Map<PublicationChannel, ChannelRunner>();
  private digestJobs: CronJob[] = [];
  private lastTick: number;
  private started = false;
  /** The backlog of due transitions being logged in slices (tick), if any. */
  private logging: Promise<void> = Promise.resolve();

  constructor(options: EngineOptions) {
    this.o = options;
    const { store, clock } = options;
    this.horizonMs = options.horizonMs ?? DEFAULT_HORIZON_MS;
    this.lastTick = clock.now();
    const retry = { ...DEFAULT_RETRY, ...options.retry };
    const log = (l: string): void => this.log(l);
    this.lanes = new Lanes(clock);
    this.outbox = new Outbox(store.db);
    this.channelStatus = new ChannelStatusRepo(store.db);
    this.worker = new SnapshotWorker({ store, clock, outbox: this.outbox, status: this.channelStatus, lanes: this.lanes, privateKeyPem: options.privateKeyPem, horizonMs: this.horizonMs, retry, log });

    const settings = options.settings ?? (() => ({}));
    this.feed = new FeedChannel(store, clock);
    this.mirror = new MirrorChannel({
      store,
      clock,
      mirrorDir: options.mirrorDir,
      digestDir: options.digestDir,
      mirrorSettings: options.mirrorSettings,
      publicKey: publicKeyOf(options.privateKeyPem),
      // A release built ahead is swapped in at its instant only when no change waits to be signed.
      unsignedChange: (boardId) => (this.outbox.pending(boardId)?.reasons ?? []).some((r) => r !== 'instant' && r !== 'sweep' && r !== 'refresh' && r !== 'digest'),
      log,
    });
    const channels: Channel[] = [
      this.feed,
      new FeedFolderChannel(store, clock, options.feedFolder ?? (() => null)),
      this.mirror,
      new DeployChannel({ clock, status: this.channelStatus, settings, mirrorDir: options.mirrorDir }),
      new WebProbeChannel({ store, clock, status: this.channelStatus, settings, mirrorSettings: options.mirrorSettings }),
    ];
    // Who consumes whose output: snapshots → feed, folder, mirror; mirror → deploy, probe; deploy → probe.
    const next: Partial<Record<PublicationChannel, PublicationChannel[]>> = { mirror: ['deploy', 'web'], deploy: ['web'] };
    for (const c of channels) {
      this.runners.set(
        c.kind,
        new ChannelRunner(c, {
          store,
          clock,
          status: this.channelStatus,
          lanes: this.lanes,
          retry,
          log,
          delivered: (kind, boardId) => {
            for (const k of next[kind] ?? []) this.runners.get(k)!.kick(boardId);
          },
        }),
      );
    }
    this.worker.onSnapshot((s) => {
      for (const k of ['feed', 'feed-folder', 'mirror'] as const) this.runners.get(k)!.kick(s.boardId);
    });

    const timeZone = store.boards()[0]?.timeZone ?? 'Europe/Prague';
    this.scheduler = new Scheduler({
      clock,
      timeZone,
      sweep: options.sweep,
      nextInstant: (after) => this.nextInstant(after),
      // Not awaited: the timer re-arms at once, while a backlog of due transitions is still being logged.
      onInstant: (now, cause) => void this.tick(now, cause),
      onError: (e) => this.log(`schedule error: ${e instanceof Error ? e.stack : String(e)}`),
    });
  }

  /**
   * Logs what fell due, enqueues a job for every board (and runs the jobs left by a previous run),
   * resumes every channel that has not delivered the newest snapshot, writes a missing daily
   * digest, arms the schedule. Resolves once each board has its snapshot; channels go on alone.
   */
  async start(): Promise<void> {
    this.started = true;
    const now = this.o.clock.now();
    this.lastTick = now;
    this.tick(now, 'sweep', 'start');
    for (const id of this.outbox.boardsWithJobs()) this.worker.kick(id);
    for (const b of this.o.store.boards()) for (const r of this.runners.values()) r.kick(b.id);
    this.writeDigests(now);
    this.scheduler.start();
    if (this.o.sweep !== false && this.o.digestDir) {
      for (const zone of new Set(this.o.store.boards().map((b) => b.timeZone))) {
        this.digestJobs.push(schedule(`deska-digest-${zone}`, DIGEST_CRON, zone, () => this.writeDigests(this.o.clock.now()), (e) => this.log(`digest error: ${reasonOf(e)}`)));
      }
    }
    await this.lanes.idle((key) => key.startsWith('snapshot:'));
  }

  /** Stops the schedule and retries, then waits for the jobs and deliveries still running. */
  async stop(): Promise<void> {
    this.started = false;
    this.scheduler.stop();
    for (const j of this.digestJobs) j.stop();
    this.digestJobs = [];
    await this.logging;
    await this.lanes.stop();
    await this.mirror.stop();
  }

  /** Push listeners of the HTTP feed: told when a board's new snapshot became servable. */
  onSnapshot(fn: FeedListener): () => void {
    return this.feed.onSnapshot(fn);
  }

  /**
   * A clerk's change: commits it together with a publish job for the board, and resolves once
   * that commit is done. Publication runs afterwards, retried until it succeeds; its failure
   * never turns into a failure of the kept change.
   */
  async commit<T>(boardId: string, change: () => T): Promise<T> {
    const { store, clock } = this.o;
    const result = store.transaction(() => {
      const r = change();
      this.outbox.enqueue(boardId, 'change', true, clock.now());
      return r;
    });
    this.afterCommit(boardId);
    return result;
  }

  /** After changes written directly to the store (tests, tools): a job for the board, then waits until all is published. */
  async changed(boardId: string): Promise<void> {
    this.o.store.transaction(() => this.outbox.enqueue(boardId, 'change', true, this.o.clock.now()));
    this.afterCommit(boardId);
    await this.idle();
  }

  /** Resolves when no job, delivery or backlog logging is running (those waiting to retry do not count). */
  async idle(): Promise<void> {
    await this.logging;
    await this.lanes.idle();
    // A mirror release built ahead for the next instant (it changes nothing public until then).
    await this.mirror.idle();
  }

  /** Retries at once every board and channel that is backing off after a failure. */
  retryNow(): void {
    this.lanes.retryNow();
  }

  /** The instant the next posting, removal or horizon entry is due (for tests and status). */
  get nextDue(): number | null {
    return this.scheduler.nextDue;
  }

  /**
   * At an instant (timer) or on the minute sweep: logs the postings and removals that fell due
   * (when they were due; each channel records when it made them public) and enqueues, in the same
   * transaction, a job for each board that needs a snapshot. Never waits for a build. Idempotent.
   */
  tick(now: number, cause: 'timer' | 'sweep', reason?: JobReason): Promise<void> {
    const { store } = this.o;
    // A timer tick looks only at instants since the previous tick (at 10,000 notices the full look
    // costs tens of ms on every instant); the minute sweep and the start look at everything, and so
    // catch a notice published or edited with an instant already past.
    const due = store.notices.dueInstants(now, -1, cause === 'timer' && this.started ? this.lastTick : null);
    const changed = new Set(due.map((d) => d.boardId));
    const entering = this.enteringHorizon(this.lastTick, now);
    this.lastTick = Math.max(this.lastTick, now);
    // A backlog (a board imported with 10,000 notices already due, a long sleep) is logged in
    // slices after the jobs are written: logging it in one go held the event loop for a second,
    // and with it every other board's instant.
    const backlog = due.length > LOG_SLICE;
    const kicks: string[] = [];
    store.transaction(() => {
      if (!backlog) for (const d of due) this.logDue(d, now, cause);
      for (const b of store.boards()) {
        const latest = store.snapshots.latestHead(b.id);
        const stale = latest !== null && Date.parse(latest.createdAt) <= now - RESIGN_AFTER_MS;
        if (changed.has(b.id)) this.outbox.enqueue(b.id, reason ?? 'instant', true, now);
        else if (stale) this.outbox.enqueue(b.id, 'refresh', true, now);
        else if (entering.has(b.id)) this.outbox.enqueue(b.id, 'horizon', false, now);
        // At start every board is checked (a first snapshot for a new board). Otherwise an unchanged
        // board costs nothing: postings, removals and horizon entries are found above by SQL, and
        // every edit commits its own job; rebuilding a 10,000-notice board each minute would not.
        else if (reason === 'start') this.outbox.enqueue(b.id, 'start', false, now);
        else continue;
        kicks.push(b.id);
      }
    });
    for (const id of kicks) this.worker.kick(id);
    return backlog ? this.logBacklog(due, now, cause) : Promise.resolve();
  }

  /** One due posting or removal in the audit log, with the instant it was due (call in a transaction). */
  private logDue(d: DueInstant, now: number, cause: 'timer' | 'sweep'): void {
    this.o.store.audit.append({ at: now, actor: 'system:schedule', action: d.action, noticeId: d.noticeId, detail: { scheduledAt: d.at, cause, stage: 'due' } });
  }

  /**
   * Logs `due` (in due order) in slices of LOG_SLICE, yielding the event loop between them.
   * Backlogs run one after another, and each slice skips what another tick logged meanwhile, so a
   * transition is never logged twice. Resolves when all is logged.
   */
  private logBacklog(due: DueInstant[], now: number, cause: 'timer' | 'sweep'): Promise<void> {
    const { store } = this.o;
    const run = async (): Promise<void> => {
      for (let i = 0; i < due.length; i += LOG_SLICE) {
        store.transaction(() => {
          for (const d of due.slice(i, i + LOG_SLICE)) if (!store.audit.has(d.noticeId, d.action)) this.logDue(d, now, cause);
        });
        await new Promise((r) => setImmediate(r));
      }
    };
    this.logging = this.logging.then(run).catch((e: unknown) => this.log(`schedule error: ${reasonOf(e)}`));
    return this.logging;
  }

  /** Publication health of every board and channel (GET /api/v1/status/publication). */
  status(): PublicationStatusResponse {
    const { store, clock } = this.o;
    const boards: BoardPublicationStatus[] = store.boards().map((b) => {
      const latest = store.snapshots.latestHead(b.id);
      const pendingJobs = this.outbox.count(b.id);
      const rows = new Map(this.channelStatus.list(b.id).map((r) => [r.channel, r]));
      const channels: ChannelStatusView[] = [];
      const view = (kind: PublicationChannel, place: string, running: boolean, behind: boolean, error: string | null): ChannelStatusView => {
        const r = rows.get(kind);
        const base = {
          channel: kind,
          place,
          running,
          deliveredSeq: r?.deliveredSeq ?? 0,
          lastSuccessAt: r?.lastSuccessAt ?? null,
          lastFailureAt: r?.lastFailureAt ?? null,
          lastError: error ?? r?.lastError ?? null,
          failingSince: r?.failingSince ?? null,
          attempts: r?.attempts ?? 0,
          nextAttemptAt: r?.nextAttemptAt ?? null,
        };
        const failing = error !== null || (base.attempts > 0 && base.lastError !== null);
        return { ...base, state: failing ? 'failing' : running || behind ? 'pending' : 'ok' };
      };
      channels.push(view('snapshot', '', this.worker.isRunning(b.id), pendingJobs > 0, null));
      for (const [kind, runner] of this.runners) {
        let place: string | null;
        try {
          place = runner.placeOf(b);
        } catch (e) {
          channels.push(view(kind, '', false, false, reasonOf(e)));
          continue;
        }
        if (place === null) continue;
        const ready = (() => {
          try {
            return runner.channel.ready(b.id);
          } catch {
            return 0;
          }
        })();
        channels.push(view(kind, place, runner.isRunning(b.id), ready > (rows.get(kind)?.deliveredSeq ?? 0), null));
      }
      return { boardId: b.id, boardName: b.name, timeZone: b.timeZone, latestSeq: latest?.seq ?? 0, latestAt: latest?.createdAt ?? null, pendingJobs, channels };
    });
    return { at: new Date(clock.now()).toISOString(), boards };
  }

  /** Writes yesterday's signed digest of each board where it is missing, and republishes the mirror with it. */
  writeDigests(now: number): void {
    const dirOf = this.o.digestDir;
    if (!dirOf) return;
    const { store } = this.o;
    for (const b of store.boards()) {
      const dir = dirOf(b.id);
      if (dir === null) continue;
      try {
        if (!writeDigest(dir, store, b, previousDay(now, b.timeZone), now, this.o.privateKeyPem)) continue;
      } catch (e) {
        this.log(`board ${b.id}: daily digest failed: ${reasonOf(e)}`);
        continue;
      }
      store.transaction(() => this.outbox.enqueue(b.id, 'digest', true, now));
      if (this.started) this.worker.kick(b.id);
    }
  }

  private afterCommit(boardId: string): void {
    if (this.started) this.worker.kick(boardId);
    this.scheduler.rearm();
  }

  /** Boards with a notice whose posting enters the feed horizon in (from, to]. */
  private enteringHorizon(from: number, to: number): Set<string> {
    if (to <= from) return new Set();
    const rows = this.o.store.db
      .prepare(
        `SELECT DISTINCT board_id FROM notices WHERE published_at IS NOT NULL AND withdrawn_at IS NULL
           AND post_at >= ? AND post_at < ?`,
      )
      .all(new Date(from + this.horizonMs).toISOString(), new Date(to + this.horizonMs).toISOString()) as { board_id: string }[];
    return new Set(rows.map((r) => r.board_id));
  }

  private nextInstant(after: number): number | null {
    const [next] = this.o.store.notices.instantsAfter(after, 1);
    // A notice far ahead enters the feed when its posting comes within the horizon: feedNotices
    // keeps postAt < now + horizon, so 1 ms after postAt − horizon. Removals never enter anything.
    const [entering] = this.o.store.notices.postingsAfter(after + this.horizonMs - 1, 1);
    const candidates = [next, entering === undefined ? undefined : entering - this.horizonMs + 1].filter((x): x is number => x !== undefined && x > after);
    return candidates.length ? Math.min(...candidates) : null;
  }

  private log(line: string): void {
    (this.o.onLog ?? ((l: string) => console.error(l)))(line);
  }
}
