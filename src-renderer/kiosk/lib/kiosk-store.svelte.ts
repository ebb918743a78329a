/**
 * The kiosk UI's state: /api/state, refetched on every server-sent "change" and at the next
 * posting/removal instant. Visibility is always the server's (kiosk clock's) decision; the
 * timer only makes the UI ask at the right moment.
 */
import type { KioskState } from '../../../src-main/shared/kiosk-api.ts';

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
    return () => {
      clearInterval(slow);
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
