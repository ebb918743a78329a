/**
 * The kiosk sync agent: fetch → verify signature → check structure and board → decide whether
 * the snapshot may replace the applied one (newer, or a restored publisher; never a replay) →
 * fetch and hash-check missing files → apply in one transaction. A file that cannot be fetched
 * or fails its hash holds back only its own notice's document (fetched again on later syncs);
 * the manifest's signature stays strict: a manifest that fails it is refused whole.
 * Triggered by a push ping (SSE), a fallback poll, or a folder change. Any failure keeps the
 * last good snapshot; the technical detail goes to the log and the report (lastError), never to
 * the lobby screen (the UI gets plain flags: see handler.ts kioskState).
 */
import { sha256Hex, verifyBytes } from '../publication/signing.ts';
import { manifestProblems, type FeedManifest, type KioskReport, type SnapshotPing } from '../shared/feed.ts';
import type { Clock, TimerHandle } from '../schedule/clock.ts';
import { FeedUnreachable, readServerSentEvents, type FeedReader } from './feed-reader.ts';
import type { KioskProfile } from './profile.ts';
import { compareSnapshots, type Replica } from './replica.ts';
import { watch } from './watch.ts';

export type SyncOutcome = 'applied' | 'unchanged' | 'failed';

/** Kiosk and publisher clocks further apart than this are reported and flagged for staff. */
export const CLOCK_WARN_MS = 5_000;

/** A refused snapshot; `message` is Czech, for the technician (log, fleet status), never the public. */
/** Answers that refuse a report's content: retrying the same report cannot succeed. */
const REFUSED_FOR_CONTENT = new Set([400, 413, 422]);

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
  /** After a missing or damaged attachment file arrived (its notice can show the document now). */
  onFilesArrived?: () => void;
  /** Whether the screen is on now (for the report). */
  screenOn?: () => boolean;
  /** Kiosk software version (for the report). */
  version?: string;
  log?: (line: string) => void;
  fetchImpl?: typeof fetch;
}

/** An attachment that could not be fetched or failed its hash: its notice waits for it. */
export interface MissingFile {
  sha256: string;
  name: string;
  noticeId: string;
  reason: string;
}

/** True when the applied snapshot is past its validity window by the kiosk's clock. */
export function isStale(applied: { validUntil: string } | null, now: number): boolean {
  return applied !== null && now >= Date.parse(applied.validUntil);
}

/** Fetches one attachment and checks its hash; throws with a technical reason. */
async function fetchVerified(reader: FeedReader, sha: string): Promise<Uint8Array> {
  const data = await reader.file(sha);
  if (sha256Hex(data) !== sha) throw new Error(`obsah neodpovídá otisku SHA-256 ${sha.slice(0, 12)}…`);
  return data;
}

/** Where verified attachment files go as they arrive: the replica (hasFile, addFile). */
export interface FileSink {
  has(sha256: string): boolean;
  add(sha256: string, bytes: Uint8Array): void;
}

/**
 * Verifies a fetched manifest (strict: signature, JSON, structure, board; throws SyncRefused),
 * then fetches the files the replica lacks, one at a time, and hands each to `sink` as soon as
 * its hash checks: a first sync of a large board never holds more than one PDF in memory, and a
 * sync cut short keeps what it fetched. Only a validly signed manifest names files to fetch; one
 * that is not applied after all (a replay) leaves them unused, and the next apply prunes them.
 * Files that fail come back in `missing`.
 */
export async function verifySnapshot(
  bytes: Uint8Array,
  signature: string,
  publicKey: string,
  boardId: string,
  reader: FeedReader,
  sink: FileSink,
): Promise<{ manifest: FeedManifest; fetched: number; missing: MissingFile[] }> {
  if (!verifyBytes(bytes, signature, publicKey)) throw new SyncRefused('Podpis seznamu oznámení nesouhlasí (manifest.json neodpovídá manifest.json.sig a veřejnému klíči desky)');
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
  let fetched = 0;
  const missing: MissingFile[] = [];
  const tried = new Set<string>();
  for (const n of manifest.notices) {
    // Each attachment, and the text extracted from it where the feed names one (for search).
    for (const [sha, name] of n.attachments.flatMap((a) => (a.textSha256 ? [[a.sha256, a.name], [a.textSha256, `${a.name} (text)`]] : [[a.sha256, a.name]]))) {
      if (!sha || tried.has(sha) || sink.has(sha)) continue;
      tried.add(sha);
      try {
        sink.add(sha, await fetchVerified(reader, sha));
        fetched++;
      } catch (e) {
        missing.push({ sha256: sha, name: name ?? sha, noticeId: n.id, reason: (e as Error).message });
      }
    }
  }
  return { manifest, fetched, missing };
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
  private reportTimer: TimerHandle | null = null;
  private reportAttempt = 0;
  private reporting: Promise<boolean> | null = null;
  private reportAgain = false;
  private abort = new AbortController();
  private disposeWatch: (() => Promise<void>) | null = null;
  /** Attachments that failed in the last sync (technical, for the report and the log). */
  private fileProblems: string[] = [];
  private clockWarned = false;
  private staleLogged = false;

  constructor(o: SyncAgentOptions) {
    this.o = o;
  }

  private log(line: string): void {
    this.o.log?.(`[sync ${this.o.profile.kioskId}] ${line}`);
  }

  private nowIso(): string {
    return new Date(this.o.clock.now()).toISOString();
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
      this.noteClock(got.clockOffsetMs);
      if (got.notModified) {
        await this.fetchMissing();
        return this.succeeded('unchanged');
      }
      const { manifest, missing } = await verifySnapshot(got.bytes, got.signature, profile.publicKey, profile.board, reader, {
        has: (sha) => replica.hasFile(sha),
        add: (sha, bytes) => replica.addFile(sha, bytes),
      });
      const before = replica.applied();
      const order = compareSnapshots(manifest.snapshot, before);
      if (order === 'older' && before) {
        throw new SyncRefused(
          `Zdroj nabízí starší snímek (č. ${manifest.snapshot.seq} z ${manifest.snapshot.createdAt}) než použitý (č. ${before.seq} z ${before.createdAt}): odmítnut jako přehraný starý stav`,
        );
      }
      if (order === 'same') {
        this.etag = got.etag;
        await this.fetchMissing();
        return this.succeeded('unchanged');
      }
      // The files are in the replica already (verifySnapshot wrote each as it arrived).
      const applied = replica.apply({ manifest, bytes: got.bytes, signature: got.signature, files: new Map() }, new Date(clock.now()).toISOString());
      this.etag = got.etag;
      if (applied === 'restored' && before)
        this.log(
          `publisher restored from a backup: seq went back from ${before.seq} to ${manifest.snapshot.seq}, snapshot created ${manifest.snapshot.createdAt} is newer than the applied one (${before.createdAt}); applied`,
        );
      const changed = applied === 'first' || applied === 'newer' || applied === 'restored';
      if (changed) this.log(`applied snapshot ${manifest.snapshot.seq} (${manifest.notices.length} notices)`);
      this.fileProblems = missing.map((m) => `Příloha „${m.name}“ oznámení ${m.noticeId} se nepodařila stáhnout (${m.reason}); stáhne se znovu`);
      for (const p of this.fileProblems) this.log(p);
      return this.succeeded(changed ? 'applied' : 'unchanged');
    } catch (e) {
      const message =
        e instanceof SyncRefused
          ? e.message
          : e instanceof FeedUnreachable
            ? `Zdroj oznámení je nedostupný (${e.message})`
            : `Synchronizace selhala (${(e as Error).message})`;
      replica.setLastError(message, this.nowIso());
      this.log(`refused: ${message}`);
      this.checkStale();
      this.o.onSynced?.('failed');
      return 'failed';
    }
  }

  /** Fetches attachments the applied notices still lack (failed earlier, or dropped as damaged). */
  private async fetchMissing(): Promise<void> {
    const { replica, reader } = this.o;
    const problems: string[] = [];
    let arrived = 0;
    for (const m of replica.missingFiles()) {
      if (this.stopped) return;
      try {
        replica.addFile(m.sha256, await fetchVerified(reader, m.sha256));
        arrived++;
        this.log(`attachment ${m.name} (${m.sha256.slice(0, 12)}…) of notice ${m.noticeId} fetched`);
      } catch (e) {
        problems.push(`Příloha „${m.name}“ oznámení ${m.noticeId} se nepodařila stáhnout (${(e as Error).message}); stáhne se znovu`);
      }
    }
    if (problems.join() !== this.fileProblems.join()) for (const p of problems) this.log(p);
    this.fileProblems = problems;
    if (arrived > 0) this.o.onFilesArrived?.();
  }

  private noteClock(offset: number | null): void {
    const { replica, profile } = this.o;
    if (profile.feed.kind !== 'http') return replica.setClockOffset(null, this.nowIso());
    if (offset === null) return;
    replica.setClockOffset(offset, this.nowIso());
    const off = Math.abs(offset) > CLOCK_WARN_MS;
    if (off && !this.clockWarned)
      this.log(`clock: the kiosk's clock is ${(Math.abs(offset) / 1000).toFixed(1)} s ${offset > 0 ? 'ahead of' : 'behind'} the publisher's; set the time (NTP) on this machine`);
    if (!off && this.clockWarned) this.log(`clock: back within ${CLOCK_WARN_MS / 1000} s of the publisher's (${(offset / 1000).toFixed(1)} s)`);
    this.clockWarned = off;
  }

  /** Logs (once per episode) that the applied snapshot is past its validity window. */
  checkStale(): boolean {
    const a = this.o.replica.applied();
    const stale = isStale(a, this.o.clock.now());
    if (stale && !this.staleLogged && a)
      this.log(`stale: snapshot ${a.seq} was valid until ${a.validUntil}; the kiosk's clock says ${this.nowIso()}: telling the public the board may be out of date`);
    this.staleLogged = stale;
    return stale;
  }

  private succeeded(outcome: SyncOutcome): SyncOutcome {
    const { replica, clock } = this.o;
    const hadError = replica.lastError() !== null;
    if (hadError) replica.setLastError(null, this.nowIso());
    if (!isStale(replica.applied(), clock.now())) replica.markConfirmed(this.nowIso());
    this.checkStale();
    if (outcome === 'applied' || hadError) this.o.onSynced?.(outcome);
    return outcome;
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
    for (const t of [this.pollTimer, this.backoffTimer, this.debounceTimer, this.reportTimer]) if (t) this.o.clock.clearTimeout(t);
    await this.disposeWatch?.();
    await this.running?.catch(() => undefined);
    await this.reporting?.catch(() => undefined);
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
      // Lines and events are capped (feed-reader.ts): an endless line drops the connection.
      await readServerSentEvents(res.body as AsyncIterable<Uint8Array>, (event, data) => {
        if (event === 'snapshot') this.onPing(data);
      });
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

  /** Technical summary for the publisher's fleet status (null when all is well). */
  lastErrorDetail(): string | null {
    const { replica, clock } = this.o;
    const parts: string[] = [];
    if (replica.recovery && !replica.applied() && replica.recovery.movedTo.length === 0)
      parts.push(`Repliku kiosku nelze otevřít (${replica.recovery.reason}): disk je plný, jen pro čtení nebo nepřístupný; soubor zůstal na místě a kiosek běží bez ní, dokud se disk neopraví a kiosek se nerestartuje`);
    else if (replica.recovery && !replica.applied())
      parts.push(`Replika kiosku byla poškozená (${replica.recovery.reason}); přesunuta stranou (${replica.recovery.movedTo.join(', ')}), kiosek začal prázdný a načítá desku znovu`);
    const err = replica.lastError()?.message;
    if (err) parts.push(err);
    parts.push(...this.fileProblems);
    const a = replica.applied();
    if (a && isStale(a, clock.now()))
      parts.push(`Snímek č. ${a.seq} platil jen do ${a.validUntil} (čas kiosku ${this.nowIso()}): veřejnosti se zobrazuje upozornění, že oznámení nemusí být aktuální`);
    const offset = replica.status().clockOffsetMs;
    if (offset !== null && Math.abs(offset) > CLOCK_WARN_MS)
      parts.push(`Hodiny kiosku se od hodin úřadu liší o ${(offset / 1000).toFixed(1)} s; nastavte čas (NTP) na počítači kiosku`);
    return parts.length > 0 ? parts.join(' | ') : null;
  }

  /** The report the publisher keeps as evidence of what this kiosk showed, and its outages. */
  buildReport(): KioskReport & { outages: NonNullable<KioskReport['outages']> } {
    const { replica, profile, clock } = this.o;
    const a = replica.applied();
    return {
      kioskId: profile.kioskId,
      board: profile.board,
      appliedSeq: a?.seq ?? null,
      appliedAt: a?.appliedAt ?? null,
      lastError: this.lastErrorDetail(),
      sightings: replica.undeliveredSightings(),
      outages: replica.undeliveredOutages().map(({ from, to, reason }) => ({ from, to, reason })),
      sentAt: new Date(clock.now()).toISOString(),
      clockOffsetMs: replica.status().clockOffsetMs,
      screenOn: this.o.screenOn?.() ?? true,
      version: this.o.version,
    };
  }

  /**
   * POSTs a KioskReport (HTTP feeds only). A report not delivered is retried with backoff
   * (5 s doubling to 5 min) until one is; a call while one is in flight sends one more after it.
   */
  report(): Promise<boolean> {
    if (this.reporting) {
      this.reportAgain = true;
      return this.reporting;
    }
    this.reporting = (async () => {
      let ok = false;
      do {
        this.reportAgain = false;
        ok = await this.reportOnce();
      } while (this.reportAgain && !this.stopped);
      this.reporting = null;
      return ok;
    })();
    return this.reporting;
  }

  private async reportOnce(): Promise<boolean> {
    const { profile, replica, clock } = this.o;
    if (profile.feed.kind !== 'http' || this.stopped) return false;
    if (this.reportTimer) clock.clearTimeout(this.reportTimer);
    this.reportTimer = null;
    const report = this.buildReport();
    const sent = replica.undeliveredOutages().map((o) => o.id);
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (profile.token) headers.authorization = `Bearer ${profile.token}`;
      const res = await (this.o.fetchImpl ?? fetch)(new URL('reports', profile.feed.url), {
        method: 'POST',
        headers,
        body: JSON.stringify(report),
        signal: AbortSignal.timeout(15_000),
      });
      const answer = await res.text().catch(() => '');
      if (REFUSED_FOR_CONTENT.has(res.status)) {
        // The publisher refused what the report says (e.g. an instant outside the notice's period):
        // sending it again would be refused again and hold back every later report. The replica
        // keeps it as this kiosk's own record; the log says why the publisher refused it.
        this.log(`report refused by the publisher (HTTP ${res.status}: ${answer.slice(0, 500)}); kept in the kiosk's own record, not sent again`);
      } else if (!res.ok) throw new Error(`HTTP ${res.status}`);
      if (this.stopped) return true;
      replica.markOutagesDelivered(sent);
      replica.markSightingsDelivered(report.sightings);
      this.reportAttempt = 0;
      return true;
    } catch (e) {
      if (this.stopped) return false;
      const delay = Math.min(300_000, 5_000 * 2 ** Math.min(this.reportAttempt, 6));
      this.reportAttempt++;
      this.log(`report not delivered (${(e as Error).message}); retrying in ${Math.round(delay / 1000)} s`);
      this.reportTimer = clock.setTimeout(() => {
        this.reportTimer = null;
        void this.report();
      }, delay);
      return false;
    }
  }
}
