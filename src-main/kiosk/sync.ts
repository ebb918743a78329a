/**
 * The kiosk sync agent: fetch → verify signature → check structure and board → fetch and
 * hash-check missing files → apply in one transaction. Triggered by a push ping (SSE), a
 * fallback poll, or a folder change. Any failure keeps the last good snapshot and records a
 * message the lobby screen can show as it is.
 */
import { sha256Hex, verifyBytes } from '../publication/signing.ts';
import { manifestProblems, type FeedManifest, type KioskReport, type SnapshotPing } from '../shared/feed.ts';
import { formatWall } from '../shared/zone.ts';
import type { Clock, TimerHandle } from '../schedule/clock.ts';
import { FeedUnreachable, type FeedReader } from './feed-reader.ts';
import type { KioskProfile } from './profile.ts';
import type { Replica } from './replica.ts';
import { watch } from './watch.ts';

export type SyncOutcome = 'applied' | 'unchanged' | 'failed';

/** A refused snapshot; `message` is Czech and ready for the screen (without the suffix). */
export class SyncRefused extends Error {
  override name = 'SyncRefused';
}

export interface SyncAgentOptions {
  profile: KioskProfile;
  replica: Replica;
  reader: FeedReader;
  clock: Clock;
  /** After an apply or a failure (and when an error clears). */
  onSynced?: (outcome: SyncOutcome) => void;
  log?: (line: string) => void;
  fetchImpl?: typeof fetch;
}

/** Verifies a fetched manifest and collects the files the replica lacks; throws SyncRefused. */
export async function verifySnapshot(
  bytes: Uint8Array,
  signature: string,
  publicKey: string,
  boardId: string,
  reader: FeedReader,
  has: (sha: string) => boolean,
): Promise<{ manifest: FeedManifest; files: Map<string, Uint8Array> }> {
  if (!verifyBytes(bytes, signature, publicKey)) throw new SyncRefused('Podpis seznamu oznámení nesouhlasí');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new SyncRefused('Seznam oznámení není platný JSON');
  }
  const problems = manifestProblems(parsed);
  if (problems.length > 0) throw new SyncRefused(`Seznam oznámení je poškozený (${problems.slice(0, 3).join('; ')})`);
  const manifest = parsed as FeedManifest;
  if (manifest.board.id !== boardId)
    throw new SyncRefused(`Seznam oznámení patří jiné desce („${manifest.board.id}“, tento kiosek zobrazuje „${boardId}“)`);
  const files = new Map<string, Uint8Array>();
  for (const n of manifest.notices) {
    for (const a of n.attachments) {
      if (files.has(a.sha256) || has(a.sha256)) continue;
      const data = await reader.file(a.sha256);
      if (sha256Hex(data) !== a.sha256) throw new SyncRefused(`Příloha „${a.name}“ oznámení „${n.title}“ neodpovídá svému otisku SHA-256`);
      files.set(a.sha256, data);
    }
  }
  return { manifest, files };
}

export class SyncAgent {
  private readonly o: SyncAgentOptions;
  private etag: string | null = null;
  private running: Promise<SyncOutcome> | null = null;
  private again = false;
  private stopped = false;
  private pollTimer: TimerHandle | null = null;
  private backoffTimer: TimerHandle | null = null;
  private debounceTimer: TimerHandle | null = null;
  private abort = new AbortController();
  private disposeWatch: (() => Promise<void>) | null = null;
  private reportPending = false;

  constructor(o: SyncAgentOptions) {
    this.o = o;
  }

  private log(line: string): void {
    this.o.log?.(`[sync ${this.o.profile.kioskId}] ${line}`);
  }

  /** Runs one sync now; concurrent calls share the run and schedule one more after it. */
  syncNow(): Promise<SyncOutcome> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let outcome: SyncOutcome;
      do {
        this.again = false;
        outcome = await this.syncOnce();
      } while (this.again && !this.stopped);
      this.running = null;
      return outcome;
    })();
    return this.running;
  }

  private async syncOnce(): Promise<SyncOutcome> {
    const { replica, reader, profile, clock } = this.o;
    try {
      const got = await reader.manifest(this.etag);
      if (got.notModified) return this.succeeded('unchanged');
      const { manifest, files } = await verifySnapshot(got.bytes, got.signature, profile.publicKey, profile.board, reader, (sha) =>
        replica.hasFile(sha),
      );
      const applied = replica.apply({ manifest, bytes: got.bytes, signature: got.signature, files }, new Date(clock.now()).toISOString());
      this.etag = got.etag;
      if (applied) this.log(`applied snapshot ${manifest.snapshot.seq} (${manifest.notices.length} notices)`);
      return this.succeeded(applied ? 'applied' : 'unchanged');
    } catch (e) {
      const reason =
        e instanceof SyncRefused
          ? e.message
          : e instanceof FeedUnreachable
            ? `Zdroj oznámení je nedostupný (${e.message})`
            : `Synchronizace selhala (${(e as Error).message})`;
      const message = `${reason} — ${this.lastGoodSuffix()}`;
      replica.setLastError(message, new Date(clock.now()).toISOString());
      this.log(`refused: ${message}`);
      this.o.onSynced?.('failed');
      return 'failed';
    }
  }

  private succeeded(outcome: SyncOutcome): SyncOutcome {
    const hadError = this.o.replica.lastError() !== null;
    if (hadError) this.o.replica.setLastError(null, new Date(this.o.clock.now()).toISOString());
    if (outcome === 'applied' || hadError) this.o.onSynced?.(outcome);
    if (this.reportPending) void this.report();
    return outcome;
  }

  private lastGoodSuffix(): string {
    const a = this.o.replica.applied();
    if (!a) return 'zatím není k dispozici žádný ověřený stav';
    return `zobrazuje se poslední ověřený stav ze dne ${formatWall(Date.parse(a.appliedAt), a.board.timeZone)}`;
  }

  /** Starts push (SSE or folder watch) and the fallback poll; the first sync runs at once. */
  start(): void {
    const { profile } = this.o;
    void this.syncNow();
    this.armPoll();
    if (profile.feed.kind === 'http') void this.listen(profile.feed.url, 0);
    else {
      const folder = profile.feed.path;
      this.disposeWatch = watch(folder, {}, {
        onChange: () => this.debouncedSync(),
        onError: (e) => this.log(`watch error: ${e.message}`),
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    for (const t of [this.pollTimer, this.backoffTimer, this.debounceTimer]) if (t) this.o.clock.clearTimeout(t);
    await this.disposeWatch?.();
    await this.running?.catch(() => undefined);
  }

  private armPoll(): void {
    if (this.stopped) return;
    this.pollTimer = this.o.clock.setTimeout(() => {
      void this.syncNow().finally(() => this.armPoll());
    }, this.o.profile.pollSeconds * 1000);
  }

  /** Folder writes come in bursts (files, manifest, signature): sync once they settle. */
  private debouncedSync(): void {
    if (this.debounceTimer) this.o.clock.clearTimeout(this.debounceTimer);
    this.debounceTimer = this.o.clock.setTimeout(() => {
      this.debounceTimer = null;
      void this.syncNow();
    }, 200);
  }

  /** Server-sent events from <feed>/events; a "snapshot" ping triggers a sync at once. */
  private async listen(feedUrl: string, attempt: number): Promise<void> {
    if (this.stopped) return;
    const fetchImpl = this.o.fetchImpl ?? fetch;
    let connected = false;
    try {
      const res = await fetchImpl(new URL('events', feedUrl), { headers: { accept: 'text/event-stream', ...(this.o.profile.token ? { authorization: `Bearer ${this.o.profile.token}` } : {}) }, signal: this.abort.signal });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      connected = true;
      this.log('push channel connected');
      // A ping may have been missed while disconnected.
      if (attempt > 0) void this.syncNow();
      let buf = '';
      let event = 'message';
      let data = '';
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk as Uint8Array, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, '');
          buf = buf.slice(nl + 1);
          if (line === '') {
            if (event === 'snapshot') this.onPing(data);
            event = 'message';
            data = '';
          } else if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data += (data ? '\n' : '') + line.slice(5).trimStart();
        }
      }
    } catch (e) {
      if (this.stopped) return;
      this.log(`push channel: ${(e as Error).message}`);
    }
    if (this.stopped) return;
    const next = connected ? 1 : attempt + 1;
    const delay = Math.min(60_000, 1000 * 2 ** Math.min(attempt, 6));
    this.backoffTimer = this.o.clock.setTimeout(() => void this.listen(feedUrl, next), connected ? 1000 : delay);
  }

  private onPing(data: string): void {
    try {
      const ping = JSON.parse(data) as SnapshotPing;
      if (ping.board !== this.o.profile.board) return;
      const applied = this.o.replica.applied();
      if (applied && ping.seq <= applied.seq) return;
    } catch {
      // A malformed ping still means "something changed": sync and let verification decide.
    }
    void this.syncNow();
  }

  /** The report the publisher keeps as evidence of what this kiosk showed. */
  buildReport(): KioskReport {
    const { replica, profile } = this.o;
    const a = replica.applied();
    return {
      kioskId: profile.kioskId,
      board: profile.board,
      appliedSeq: a?.seq ?? null,
      appliedAt: a?.appliedAt ?? null,
      lastError: replica.lastError()?.message ?? null,
      sightings: replica.sightings(),
    };
  }

  /** POSTs a KioskReport (HTTP feeds only). Failures are kept for the next sync event. */
  async report(): Promise<boolean> {
    const { profile } = this.o;
    if (profile.feed.kind !== 'http' || this.stopped) return false;
    this.reportPending = true;
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (profile.reportToken) headers.authorization = `Bearer ${profile.reportToken}`;
      const res = await (this.o.fetchImpl ?? fetch)(new URL('reports', profile.feed.url), {
        method: 'POST',
        headers,
        body: JSON.stringify(this.buildReport()),
        signal: AbortSignal.timeout(15_000),
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      this.reportPending = false;
      return true;
    } catch (e) {
      this.log(`report not delivered (${(e as Error).message}); will retry`);
      return false;
    }
  }
}
