/**
 * The kiosk request handler's JSON contract (src-main/kiosk/handler.ts ⇄ src-renderer/kiosk).
 * Types only; both sides import them.
 *
 *   GET /api/state           KioskState
 *   GET /api/files/{sha256}  attachment bytes (application/pdf); 404 while not (yet) held
 *   GET /api/events          server-sent events: "hello", then "state" (the whole KioskState once),
 *                            then per change "change" (KioskChange) and "patch" (KioskStatePatch:
 *                            only the notices new or changed, and the ids removed); "reload"
 *                            at the nightly reload
 *   GET /api/search?q=       KioskSearchResult (offline search in the replica)
 *   POST /api/speech         { text, lang, volume } → 204 (espeak-ng; 404 where not installed)
 *   POST /api/speech/stop    → 204
 *   POST /api/wake          → 204; a touch during screen-off hours: the display on for a while
 *                            (through the profile's display commands, where it has them)
 *   POST /api/heartbeat      KioskHeartbeat → 204; every HEARTBEAT_MS and whenever what the
 *                            UI renders changes. The kiosk counts a notice as shown only from
 *                            these, only while the screen is on (evidence).
 */
import type { AttachmentRef, Board } from './domain.ts';
import type { KioskScreen, ReachBand } from './reach.ts';

export interface ScreenSchedule {
  /** "HH:MM" in the board's zone. */
  on: string;
  off: string;
}

export interface KioskAccessibility {
  reachMode: boolean;
  fontScale: number;
  highContrast: boolean;
}

/** The profile settings the UI lays itself out by. */
export interface KioskDisplay {
  kioskId: string;
  orientation: 'landscape' | 'portrait';
  languages: string[];
  idleTimeoutSeconds: number;
  screenSchedule: ScreenSchedule | null;
  accessibility: KioskAccessibility;
  /** The physical screen as mounted, when the profile gives it. */
  screen: KioskScreen | null;
  /** Reach mode's band for controls (from `screen`, else the lower 60 %). */
  reachBand: ReachBand;
}

/** How often the renderer sends a heartbeat; the kiosk calls the UI disconnected after two missed. */
export const HEARTBEAT_MS = 5_000;

export interface KioskHeartbeat {
  /**
   * Ids of the notices the screen really shows: the list items inside the list's viewport, the
   * opened notice, or the one attract mode shows; empty while the screen is off.
   */
  shown: string[];
  /** document.visibilityState: a hidden page renders nothing a visitor can see. */
  visibility: 'visible' | 'hidden';
}

export interface KioskAttachment extends AttachmentRef {
  /** False while the file is being downloaded (or fetched again after damage): show "document being downloaded". */
  available: boolean;
}

/**
 * What the UI may tell the public, as flags: the UI words them plainly. The technical detail
 * stays in the kiosk log and the report to the publisher (fleet status), never on screen.
 */
export interface KioskHealth {
  /** The applied snapshot is past its validUntil by the kiosk's clock: the board may be out of date. */
  stale: boolean;
  /** The replica was found damaged at start, set aside, and the board is being loaded again. */
  recovered: boolean;
  /** The last sync attempt failed (the last good snapshot is shown while still valid). */
  syncFailing: boolean;
  /** The kiosk's clock differs from the publisher's by more than a few seconds (for staff). */
  clockOff: boolean;
}

export interface KioskNotice {
  id: string;
  title: string;
  description: string;
  department: string;
  category: string;
  referenceNumber: string;
  fileMark: string;
  /** UTC ISO */
  postAt: string;
  removeAt: string | null;
  attachments: KioskAttachment[];
  /** The newest correction ("opraveno dne …"): its revision number and instant (UTC ISO); absent while never corrected. */
  corrected?: { revision: number; at: string };
}

export interface KioskState {
  /** Null until the first verified snapshot arrives. */
  board: Board | null;
  kiosk: KioskDisplay;
  /** The kiosk's clock, ms since epoch, when this state was computed. */
  now: number;
  /** Notices posted at `now`, by the kiosk's own clock. */
  notices: KioskNotice[];
  /** Next posting/removal instant (ms) after `now`, or null. */
  nextChangeAt: number | null;
  /**
   * confirmedAt: the last sync that found the applied snapshot current and valid (what the
   * header's "updated" shows); null when none yet.
   */
  lastSync: { seq: number; appliedAt: string; confirmedAt: string | null } | null;
  health: KioskHealth;
  /** False during the profile's screen-off hours. */
  screenOn: boolean;
  /** The kiosk can speak through espeak-ng (POST /api/speech, /api/speech/stop) where the browser has no voice. */
  serverSpeech: boolean;
}

/** The search answer (GET /api/search?q=…): posted notices only, best first. */
export interface KioskSearchResult {
  q: string;
  hits: { id: string; snippet: string }[];
}

/**
 * An incremental update on /api/events (event "patch"): the state's fields other than the
 * notices, plus the notices that are new or changed (`upsert`) and the ids that left
 * (`remove`). The first event on a connection is "state" with the whole KioskState.
 */
export interface KioskStatePatch extends Omit<KioskState, 'notices'> {
  upsert: KioskNotice[];
  remove: string[];
}

export interface KioskChange {
  /** "reload": the nightly reload; the UI reloads the page (event "reload" on /api/events). */
  reason: 'instant' | 'applied' | 'failed' | 'recovered' | 'reload';
}
