/**
 * The kiosk UI's state: /api/state, refetched on every server-sent "change" and at the next
 * posting/removal instant. Visibility is always the server's (kiosk clock's) decision; the
 * timer only makes the UI ask at the right moment.
 */
import { HEARTBEAT_MS, type KioskHeartbeat, type KioskState } from '../../../src-main/shared/kiosk-api.ts';

const api = (path: string): string => new URL(`../api/${path}`, location.href).href;

export class KioskStore {
  state = $state<KioskState | null>(null);
  /** kiosk clock − browser clock, ms (so the header clock shows the kiosk's time). */
  offset = $state(0);
  connected = $state(false);
  private nextTimer: ReturnType<typeof setTimeout> | null = null;
  private events: EventSource | null = null;
  private inflight = false;
  private queued = false;
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
    void this.refresh();
    this.events = new EventSource(api('events'));
    this.events.addEventListener('hello', () => {
      this.connected = true;
      void this.refresh();
    });
    this.events.addEventListener('change', () => void this.refresh());
    this.events.onerror = () => (this.connected = false);
    // Belt and braces: a slow refresh even if the event stream silently stalls.
    const slow = setInterval(() => void this.refresh(), 60_000);
    const beat = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
    const onVisibility = (): void => void this.heartbeat();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearInterval(slow);
      clearInterval(beat);
      document.removeEventListener('visibilitychange', onVisibility);
      this.events?.close();
      if (this.nextTimer) clearTimeout(this.nextTimer);
    };
  }

  async refresh(): Promise<void> {
    if (this.inflight) {
      this.queued = true;
      return;
    }
    this.inflight = true;
    try {
      const res = await fetch(api('state'), { cache: 'no-store' });
      if (res.ok) {
        const s = (await res.json()) as KioskState;
        this.offset = s.now - Date.now();
        this.state = s;
        this.armNext(s);
      }
    } catch {
      // The handler is in-process or on loopback; a failure is transient. The slow refresh retries.
    } finally {
      this.inflight = false;
      if (this.queued) {
        this.queued = false;
        void this.refresh();
      }
    }
  }

  private armNext(s: KioskState): void {
    if (this.nextTimer) clearTimeout(this.nextTimer);
    this.nextTimer = null;
    if (s.nextChangeAt === null) return;
    // Ask a moment after the instant by the kiosk's clock; the server decides what shows.
    const wait = Math.max(200, s.nextChangeAt - (Date.now() + this.offset) + 100);
    this.nextTimer = setTimeout(() => void this.refresh(), Math.min(wait, 2_147_483_647));
  }

  fileUrl(sha256: string): string {
    return api(`files/${sha256}`);
  }
}
