/**
 * What the kiosk really showed, as evidence. A notice counts as shown only from the renderer's
 * heartbeat (the ids it has rendered, with the page visible) and only while the profile's
 * screen schedule has the screen on; never from the replica alone. Gaps are recorded in the
 * replica as outage intervals with a reason:
 *
 *   screen-off       the profile's screen-off hours
 *   kiosk-down       the kiosk process was not running (found at the next start from the last
 *                    "alive" mark, written on every tick and heartbeat)
 *   ui-disconnected  the screen should be on but no visible heartbeat for more than two intervals
 *   stale            the applied snapshot is past its validUntil by the kiosk's clock
 */
import type { Clock, TimerHandle } from '../schedule/clock.ts';
import { HEARTBEAT_MS, type KioskHeartbeat } from '../shared/kiosk-api.ts';
import { screenOnAt } from './handler.ts';
import { visibleAt } from './local-schedule.ts';
import type { KioskProfile } from './profile.ts';
import type { Replica } from './replica.ts';
import { isStale } from './sync.ts';

export interface PresenceOptions {
  profile: KioskProfile;
  replica: Replica;
  clock: Clock;
  /** Something worth reporting changed: a notice appeared or went, an outage opened or closed. */
  onChange: () => void;
  log?: (line: string) => void;
  intervalMs?: number;
}

export class Presence {
  private readonly o: PresenceOptions;
  private readonly interval: number;
  private timer: TimerHandle | null = null;
  private startedAt = 0;
  private lastVisibleHeartbeat: number | null = null;
  private screenOnSince = 0;
  private wasScreenOn: boolean | null = null;
  private stopped = false;

  constructor(o: PresenceOptions) {
    this.o = o;
    this.interval = o.intervalMs ?? HEARTBEAT_MS;
  }

  private iso(ms: number): string {
    return new Date(ms).toISOString();
  }

  screenOn(now = this.o.clock.now()): boolean {
    return screenOnAt(this.o.profile.screenSchedule, now, this.o.replica.applied()?.board.timeZone ?? 'Europe/Prague');
  }

  /** Records the gap since the last run ("kiosk-down") and starts the periodic check. */
  start(): void {
    const { replica, clock, log } = this.o;
    const now = clock.now();
    this.startedAt = now;
    this.screenOnSince = now;
    const alive = replica.status().aliveAt;
    if (alive !== null) {
      // Whatever was open when the kiosk stopped ended then; the gap itself is "kiosk-down".
      for (const reason of replica.openOutages()) replica.closeOutage(reason, alive);
      if (now - Date.parse(alive) > 2 * this.interval) {
        replica.addOutage('kiosk-down', alive, this.iso(now));
        log?.(`[presence] kiosk was down from ${alive} to ${this.iso(now)}; recorded as an outage`);
      }
    }
    replica.markAlive(this.iso(now));
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.o.replica.db.open) this.o.replica.markAlive(this.iso(this.o.clock.now()));
  }

  /** Re-evaluates the outages now (also after an apply: a fresh snapshot ends "stale"). */
  tick(): void {
    if (this.stopped) return;
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    const { replica, clock } = this.o;
    const now = clock.now();
    const at = this.iso(now);
    replica.markAlive(at);
    let changed = false;
    const on = this.screenOn(now);
    if (on && this.wasScreenOn === false) this.screenOnSince = now;
    this.wasScreenOn = on;
    if (!on) {
      changed = replica.openOutage('screen-off', at) || changed;
      // With the screen off there is nothing to render: one reason for the gap is enough.
      changed = replica.closeOutage('ui-disconnected', at) || changed;
    } else {
      changed = replica.closeOutage('screen-off', at) || changed;
      const since = Math.max(this.lastVisibleHeartbeat ?? this.startedAt, this.screenOnSince);
      if (now - since > 2 * this.interval) changed = replica.openOutage('ui-disconnected', this.iso(since)) || changed;
    }
    const applied = replica.applied();
    if (applied && isStale(applied, now)) changed = replica.openOutage('stale', applied.validUntil) || changed;
    else changed = replica.closeOutage('stale', at) || changed;
    if (changed) this.o.onChange();
    this.timer = clock.setTimeout(() => this.tick(), this.interval);
  }

  /**
   * The renderer crashed (Electron's render-process-gone) or was restarted for not answering:
   * the UI is disconnected from now until its next visible heartbeat, whatever the interval.
   */
  rendererGone(): void {
    if (this.stopped) return;
    const now = this.o.clock.now();
    this.lastVisibleHeartbeat = null;
    this.startedAt = now;
    if (this.screenOn(now) && this.o.replica.openOutage('ui-disconnected', this.iso(now))) this.o.onChange();
  }

  /**
   * How long the screen has been on without a visible heartbeat (ms); 0 during screen-off
   * hours. The Chromium shell's watchdog restarts the browser when this grows too long.
   */
  silentMs(now = this.o.clock.now()): number {
    if (!this.screenOn(now)) return 0;
    return Math.max(0, now - Math.max(this.lastVisibleHeartbeat ?? this.startedAt, this.screenOnSince));
  }

  /** A heartbeat from the renderer: records sightings when the screen is on and the page visible. */
  heartbeat(hb: KioskHeartbeat): void {
    if (this.stopped) return;
    const { replica, clock } = this.o;
    const now = clock.now();
    const at = this.iso(now);
    if (hb.visibility !== 'visible') {
      replica.markAlive(at);
      return;
    }
    this.lastVisibleHeartbeat = now;
    replica.markHeartbeat(at);
    let changed = replica.closeOutage('ui-disconnected', at);
    if (this.screenOn(now)) {
      // Only notices posted now by the kiosk's clock count, whatever the renderer claims.
      const rendered = new Set(hb.shown);
      const ids = visibleAt(replica.notices(), now)
        .map((n) => n.id)
        .filter((id) => rendered.has(id));
      changed = replica.recordSightings(ids, at) || changed;
    }
    if (changed) this.o.onChange();
  }
}
