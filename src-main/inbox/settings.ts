/**
 * Inbox settings per board, in DATA/inbox.json (read at every scan, so a change applies without a
 * restart). Every board has an inbox by default; a missing file means the defaults:
 *
 *   { "boards": { "horni-lhota": { "enabled": true, "publish": "schedule",
 *                                  "readyMarker": "required", "stableSeconds": 5 } } }
 *
 * publish: "draft" (default) makes every valid package a draft a clerk checks and publishes;
 *   "schedule" publishes it at once as a scheduled notice when it has a posting instant that is
 *   not in the past (otherwise it stays a draft, and the receipt says why).
 * readyMarker: "optional" (default) imports a package once it carries its ready marker
 *   (`<name>.ready`) or once its files have not changed for stableSeconds; "required" waits for
 *   the marker only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InboxBoardSettings {
  enabled: boolean;
  publish: 'draft' | 'schedule';
  readyMarker: 'optional' | 'required';
  /** Files unchanged this long count as completely copied. */
  stableMs: number;
}

export const INBOX_SETTINGS_FILE = 'inbox.json';
export const DEFAULT_INBOX_SETTINGS: InboxBoardSettings = { enabled: true, publish: 'draft', readyMarker: 'optional', stableMs: 5_000 };

/** The settings of one board; throws a Czech message when DATA/inbox.json is malformed. */
export function inboxSettings(dataDir: string, boardId: string): InboxBoardSettings {
  const file = join(dataDir, INBOX_SETTINGS_FILE);
  if (!existsSync(file)) return DEFAULT_INBOX_SETTINGS;
  let all: unknown;
  try {
    all = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`Soubor ${file} není platný JSON (${e instanceof Error ? e.message : String(e)}). Opravte ho.`);
  }
  const b = (all as { boards?: Record<string, unknown> } | null)?.boards?.[boardId];
  if (b === undefined) return DEFAULT_INBOX_SETTINGS;
  const where = `${file}: boards.${boardId}`;
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new Error(`${where} musí být objekt.`);
  const o = b as Record<string, unknown>;
  const out = { ...DEFAULT_INBOX_SETTINGS };
  if (o.enabled !== undefined) {
    if (typeof o.enabled !== 'boolean') throw new Error(`${where}.enabled musí být true nebo false.`);
    out.enabled = o.enabled;
  }
  if (o.publish !== undefined) {
    if (o.publish !== 'draft' && o.publish !== 'schedule') throw new Error(`${where}.publish musí být "draft" nebo "schedule".`);
    out.publish = o.publish;
  }
  if (o.readyMarker !== undefined) {
    if (o.readyMarker !== 'optional' && o.readyMarker !== 'required') throw new Error(`${where}.readyMarker musí být "optional" nebo "required".`);
    out.readyMarker = o.readyMarker;
  }
  if (o.stableSeconds !== undefined) {
    if (typeof o.stableSeconds !== 'number' || !(o.stableSeconds >= 0 && o.stableSeconds <= 3600)) throw new Error(`${where}.stableSeconds musí být číslo 0–3600.`);
    out.stableMs = o.stableSeconds * 1000;
  }
  return out;
}
