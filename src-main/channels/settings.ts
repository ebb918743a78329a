/**
 * Per-board channel settings, in DATA/publication.json (read at every delivery, so a change
 * applies without a restart):
 *
 *   { "boards": { "horni-lhota": {
 *       "deploy": { "command": ["rsync", "-a", "--delete", "{mirror}/", "www@web:/srv/deska/"],
 *                   "target": "www@web:/srv/deska/", "timeoutSeconds": 300 },
 *       "probe": true } } }
 *
 * deploy: a command (argv, no shell) run after each mirror build; "{mirror}" is replaced by the
 * folder of the release just built (also in DESKA_MIRROR, with DESKA_BOARD and DESKA_SEQ).
 * probe: after each mirror build (and deploy), fetch the live notice pages at the board's public
 * URL (true) or at the given base URL, and record what the public could reach.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DeploySettings {
  command: string[];
  /** Where it deploys to, as evidence names it ("deploy:<target>"). */
  target: string;
  timeoutSeconds?: number;
}

export interface BoardChannelSettings {
  deploy?: DeploySettings;
  probe?: boolean | string;
}

export const SETTINGS_FILE = 'publication.json';

/** A reader of DATA/publication.json; throws a Czech message when the file is malformed. */
export function channelSettings(dataDir: string): (boardId: string) => BoardChannelSettings {
  const file = join(dataDir, SETTINGS_FILE);
  return (boardId) => {
    if (!existsSync(file)) return {};
    let all: unknown;
    try {
      all = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`Soubor ${file} není platný JSON (${e instanceof Error ? e.message : String(e)}). Opravte ho.`);
    }
    const b = (all as { boards?: Record<string, unknown> } | null)?.boards?.[boardId];
    if (b === undefined) return {};
    return parseBoard(b, `${file}: boards.${boardId}`);
  };
}

function parseBoard(b: unknown, where: string): BoardChannelSettings {
  if (b === null || typeof b !== 'object') throw new Error(`${where} musí být objekt.`);
  const { deploy, probe } = b as { deploy?: unknown; probe?: unknown };
  const out: BoardChannelSettings = {};
  if (deploy !== undefined) {
    const d = deploy as Partial<DeploySettings> | null;
    if (!d || !Array.isArray(d.command) || d.command.length === 0 || !d.command.every((x) => typeof x === 'string') || typeof d.target !== 'string' || d.target === '') {
      throw new Error(`${where}.deploy potřebuje "command" (pole řetězců, např. ["rsync", "-a", "{mirror}/", "cíl"]) a "target" (kam se nasazuje).`);
    }
    if (d.timeoutSeconds !== undefined && (typeof d.timeoutSeconds !== 'number' || !(d.timeoutSeconds > 0))) throw new Error(`${where}.deploy.timeoutSeconds musí být kladné číslo.`);
    out.deploy = { command: d.command, target: d.target, ...(d.timeoutSeconds !== undefined && { timeoutSeconds: d.timeoutSeconds }) };
  }
  if (probe !== undefined) {
    if (typeof probe !== 'boolean' && (typeof probe !== 'string' || !/^https?:\/\//.test(probe))) throw new Error(`${where}.probe musí být true, false nebo adresa http(s)://.`);
    out.probe = probe;
  }
  return out;
}
