/**
 * The kiosk UI's state, from /api/events: the whole state once per connection ("state"), then
 * only what changed ("patch": notices new or changed, ids removed). Visibility is always the
 * server's (kiosk clock's) decision: it sends a patch at every posting and removal instant.
 * EventSource reconnects by itself and the new connection starts with the whole state again.
 */
import { HEARTBEAT_MS, type KioskHeartbeat, type KioskSearchResult, type KioskState, type KioskStatePatch } from '../../../src-main/shared/kiosk-api.ts';

const api = (path: string): string => new URL(`../api/${path}`, location.href).href;

export class KioskStore {
  state = $state<KioskState | null>(null);
  /** kiosk clock − browser clock, ms (so the header clock shows the kiosk's time). */
  offset = $state(0);
  connected = $state(false);
  /** Counts applied states and patches (patches are what the UI receives, not whole states). */
  version = $state(0);
  private events: EventSource | null = null;
  private shown: string[] = [];
  private lastSent = '';

  /**
   * Tells the kiosk which notices the UI has rendered (its evidence of what was shown). Sent
   * every HEARTBEAT_MS, and at once when the rendered set or the page's visibility changes.
   */
  setShown(ids: string[]): void {
    this.shown = ids;
    if (this.heartbeatKey() !== this.lastSent) void this.heartbeat();
  }

  private heartbeatKey(): string {
    return `${document.visibilityState}|${this.shown.join(',')}`;
  }

  private async heartbeat(): Promise<void> {
    const body: KioskHeartbeat = { shown: this.shown, visibility: document.visibilityState === 'visible' ? 'visible' : 'hidden' };
    this.lastSent = this.heartbeatKey();
    try {
      await fetch(api('heartbeat'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), cache: 'no-store' });
    } catch {
      // The next beat retries; a missed beat is what the kiosk records as "UI disconnected".
    }
  }

  start(): () => void {
    this.events = new EventSource(api('events'));
    this.events.addEventListener('hello', () => (this.connected = true));
    this.events.addEventListener('state', (e) => this.apply(JSON.parse((e as MessageEvent<string>).data) as KioskState));
    this.events.addEventListener('patch', (e) => this.patch(JSON.parse((e as MessageEvent<string>).data) as KioskStatePatch));
    this.events.onerror = () => (this.connected = false);
    // The nightly reload (the kiosk's health jobs): a fresh page, which connects again.
    this.events.addEventListener('reload', () => location.reload());
    // Belt and braces where the event stream cannot be had (a proxy, a shell without streaming):
    // the whole state once if none came within 3 s, then every minute while disconnected.
    const first = setTimeout(() => void (this.state === null ? this.refresh() : undefined), 3_000);
    const slow = setInterval(() => void (this.connected ? undefined : this.refresh()), 60_000);
    const beat = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
    const onVisibility = (): void => void this.heartbeat();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearTimeout(first);
      clearInterval(slow);
      clearInterval(beat);
      document.removeEventListener('visibilitychange', onVisibility);
      this.events?.close();
    };
  }

  /** Fetches the whole state (only while the event stream is not there); the stream keeps it current. */
  async refresh(): Promise<void> {
    try {
      const res = await fetch(api('state'), { cache: 'no-store' });
      if (res.ok) this.apply((await res.json()) as KioskState);
    } catch {
      // The handler is in-process or on loopback; the event stream brings the next state.
    }
  }

  private apply(s: KioskState): void {
    this.offset = s.now - Date.now();
    this.state = s;
    this.version++;
  }

  private patch(p: KioskStatePatch): void {
    const current = this.state;
    if (!current) return;
    const { upsert, remove, ...rest } = p;
    let notices = current.notices;
    if (upsert.length > 0 || remove.length > 0) {
      const gone: Record<string, true> = {};
      for (const id of [...remove, ...upsert.map((n) => n.id)]) gone[id] = true;
      notices = [...current.notices.filter((n) => !gone[n.id]), ...upsert];
    }
    this.apply({ ...rest, notices });
  }

  /** A touch during screen-off hours: the kiosk switches the display on for a while. */
  async wake(): Promise<void> {
    try {
      await fetch(api('wake'), { method: 'POST', cache: 'no-store' });
    } catch {
      // The screen shows the touch anyway; the display stays as it is.
    }
  }

  /** Notices matching the words (offline search in the kiosk's replica), best first. */
  async search(q: string, signal?: AbortSignal): Promise<KioskSearchResult> {
    const res = await fetch(api(`search?q=${encodeURIComponent(q)}`), { cache: 'no-store', signal });
    if (!res.ok) return { q, hits: [] };
    return (await res.json()) as KioskSearchResult;
  }

  fileUrl(sha256: string): string {
    return api(`files/${sha256}`);
  }
}
