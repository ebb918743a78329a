/**
 * The kiosk request handler's JSON contract (src-main/kiosk/handler.ts ⇄ src-renderer/kiosk).
 * Types only; both sides import them.
 *
 *   GET /api/state           KioskState
 *   GET /api/files/{sha256}  attachment bytes (application/pdf)
 *   GET /api/events          server-sent events; event "change", data KioskChange
 */
import type { AttachmentRef, Board } from './domain.ts';

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
  attachments: AttachmentRef[];
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
  lastSync: { seq: number; appliedAt: string } | null;
  /** Czech, ready to show; null when the last sync succeeded. */
  syncError: string | null;
  /** False during the profile's screen-off hours. */
  screenOn: boolean;
}

export interface KioskChange {
  reason: 'instant' | 'applied' | 'failed' | 'recovered';
}
