/**
 * Fleet status: how each lobby kiosk is doing, as the publisher knows it from the kiosks' reports.
 * Shared by the API (GET /api/v1/status/fleet), the alerts and the clerk app.
 *
 *   online   reported recently and holds the board's newest snapshot (or is catching up within the threshold)
 *   stale    reports, but has lacked a newer snapshot for longer than the threshold: the lobby may show an old board
 *   offline  no report for longer than the threshold: kiosk off, crashed, or cut off from the publisher
 *   never    a kiosk token exists, but no report ever came
 */
export type KioskHealth = 'online' | 'stale' | 'offline' | 'never';

export interface FleetKiosk {
  kioskId: string;
  boardId: string;
  boardName: string;
  timeZone: string;
  health: KioskHealth;
  /** Since when the kiosk has been in this state, where known. */
  healthSince: string | null;
  lastReportAt: string | null;
  appliedSeq: number | null;
  appliedAt: string | null;
  latestSeq: number;
  version: string | null;
  /** Kiosk clock minus publisher clock, ms. */
  clockOffsetMs: number | null;
  screenOn: boolean | null;
  lastError: string | null;
  /** An alert is raised for this kiosk (stale or offline past its threshold), since when. */
  alertSince: string | null;
}

export interface FleetStatusResponse {
  at: string;
  offlineAfterSeconds: number;
  staleAfterSeconds: number;
  /** Where alerts go besides the app: "command", "webhook". */
  alertTargets: string[];
  /** DATA/fleet.json is malformed: what is wrong (the defaults apply meanwhile, and no alert goes out). */
  settingsProblem?: string;
  kiosks: FleetKiosk[];
}

/** A clock difference the public would notice (postings at the wrong minute). */
export const CLOCK_WARN_MS = 5_000;

const HEALTH_WORD: Record<KioskHealth, string> = {
  online: 'v provozu',
  stale: 'zastaralá deska',
  offline: 'nehlásí se',
  never: 'ještě se neohlásil',
};

export function healthWord(h: KioskHealth): string {
  return HEALTH_WORD[h];
}

/** One Czech sentence for an admin: what is wrong with the kiosk and what to check. */
export function fleetSentence(k: FleetKiosk, fmt: (iso: string) => string): string {
  switch (k.health) {
    case 'offline':
      return `Kiosek ${k.kioskId} (${k.boardName}) se naposledy ohlásil ${k.lastReportAt ? fmt(k.lastReportAt) : 'nikdy'}. Zkontrolujte, zda je zapnutý a připojený k síti.`;
    case 'stale':
      return `Kiosek ${k.kioskId} (${k.boardName}) nemá nejnovější stav desky ${k.healthSince ? `od ${fmt(k.healthSince)}` : ''} (má snímek ${k.appliedSeq ?? 'žádný'}, aktuální je ${k.latestSeq})${k.lastError ? `: ${k.lastError}` : ''}. Veřejnost v hale může vidět starou desku.`;
    case 'never':
      return `Kiosek ${k.kioskId} (${k.boardName}) má token, ale ještě se neohlásil.`;
    default:
      return `Kiosek ${k.kioskId} (${k.boardName}) je v provozu.`;
  }
}
