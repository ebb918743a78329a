/**
 * Fleet status and alerts: every kiosk's last report, snapshot, version, clock offset and screen,
 * judged online, stale, offline or never seen; and an alert when a kiosk stays stale or offline
 * past its threshold, raised once per incident in the app, in the audit log and, where configured,
 * through a command and/or a webhook, with a second notice when it recovers.
 *
 * Settings, in DATA/fleet.json (all optional; read at every check, so a change needs no restart):
 *   { "offlineAfterSeconds": 300, "staleAfterSeconds": 900,
 *     "alert": { "command": ["/usr/local/bin/posli-sms", "{kiosk}", "{message}"],
 *                "webhook": "https://chat.example.cz/hooks/deska", "timeoutSeconds": 10 } }
 * command: argv, no shell; {kiosk} {board} {health} {event} {message} are replaced, and the same
 * go to the environment as DESKA_KIOSK, DESKA_BOARD, DESKA_HEALTH, DESKA_EVENT, DESKA_MESSAGE.
 * webhook: POST of JSON { event: "kiosk-alert" | "kiosk-recovered", kioskId, boardId, health, since, message }.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fleetSentence, type FleetKiosk, type FleetStatusResponse, type KioskHealth } from '../shared/fleet.ts';
import { formatWall } from '../shared/zone.ts';
import type { Store } from '../store/store.ts';

export const FLEET_SETTINGS_FILE = 'fleet.json';

export interface FleetSettings {
  offlineAfterSeconds: number;
  staleAfterSeconds: number;
  alert: { command?: string[]; webhook?: string; timeoutSeconds: number };
}

/** DATA/fleet.json with its defaults; throws a Czech message naming what is wrong. */
export function fleetSettings(dataDir: string | null): FleetSettings {
  const out: FleetSettings = { offlineAfterSeconds: 300, staleAfterSeconds: 900, alert: { timeoutSeconds: 10 } };
  if (dataDir === null) return out;
  const file = join(dataDir, FLEET_SETTINGS_FILE);
  if (!existsSync(file)) return out;
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`Soubor ${file} není platný JSON (${e instanceof Error ? e.message : String(e)}). Opravte ho.`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${file} musí být objekt, např. {"staleAfterSeconds": 900}.`);
  const o = v as Record<string, unknown>;
  const seconds = (key: 'offlineAfterSeconds' | 'staleAfterSeconds'): void => {
    const x = o[key];
    if (x === undefined) return;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 30 || x > 7 * 86_400) throw new Error(`${file}: "${key}" musí být celé číslo sekund 30–604800.`);
    out[key] = x;
  };
  seconds('offlineAfterSeconds');
  seconds('staleAfterSeconds');
  if (o.alert !== undefined) {
    const a = o.alert as Record<string, unknown> | null;
    if (a === null || typeof a !== 'object' || Array.isArray(a)) throw new Error(`${file}: "alert" musí být objekt s "command" a/nebo "webhook".`);
    if (a.command !== undefined) {
      if (!Array.isArray(a.command) || a.command.length === 0 || !a.command.every((x) => typeof x === 'string' && x !== '')) {
        throw new Error(`${file}: "alert.command" musí být pole řetězců, např. ["/usr/local/bin/upozorni", "{kiosk}", "{message}"].`);
      }
      out.alert.command = a.command as string[];
    }
    if (a.webhook !== undefined) {
      let ok = false;
      try {
        ok = typeof a.webhook === 'string' && ['http:', 'https:'].includes(new URL(a.webhook).protocol);
      } catch {
        ok = false;
      }
      if (!ok) throw new Error(`${file}: "alert.webhook" musí být adresa http(s)://…`);
      out.alert.webhook = a.webhook as string;
    }
    if (a.timeoutSeconds !== undefined) {
      if (typeof a.timeoutSeconds !== 'number' || !(a.timeoutSeconds > 0) || a.timeoutSeconds > 300) throw new Error(`${file}: "alert.timeoutSeconds" musí být číslo 1–300.`);
      out.alert.timeoutSeconds = a.timeoutSeconds;
    }
  }
  return out;
}

interface AlertRow {
  kiosk_id: string;
  board_id: string;
  health: string;
  since: string;
  raised_at: string;
}

/** Each kiosk of each board (those that reported, and kiosk tokens never used) as of `now`. */
export function fleetStatus(store: Store, settings: FleetSettings, now: number, boardIds?: string[]): FleetStatusResponse {
  const boards = store.boards().filter((b) => !boardIds || boardIds.includes(b.id));
  const alerts = new Map((store.db.prepare('SELECT * FROM fleet_alerts').all() as AlertRow[]).map((r) => [r.kiosk_id, r]));
  const firstAfter = store.db.prepare('SELECT MIN(created_at) FROM snapshots WHERE board_id = ? AND seq > ?').pluck();
  const kiosks: FleetKiosk[] = [];
  for (const b of boards) {
    const latest = store.snapshots.latest(b.id);
    const latestSeq = latest?.seq ?? 0;
    const reported = store.evidence.kiosks(b.id);
    const seen = new Set(reported.map((k) => k.id));
    for (const k of reported) {
      let health: KioskHealth = 'online';
      let since: string | null = null;
      const silentMs = now - Date.parse(k.lastReportAt);
      if (silentMs > settings.offlineAfterSeconds * 1000) {
        health = 'offline';
        since = k.lastReportAt;
      } else if (latest && k.appliedSeq !== latestSeq) {
        // Behind since the first snapshot it lacks was made (a restored publisher's seq may be lower: then since the newest).
        const behindSince =
          k.appliedSeq !== null && k.appliedSeq < latestSeq ? ((firstAfter.get(b.id, k.appliedSeq) as string | null) ?? latest.createdAt) : k.appliedSeq === null ? ((firstAfter.get(b.id, 0) as string | null) ?? latest.createdAt) : latest.createdAt;
        if (now - Date.parse(behindSince) > settings.staleAfterSeconds * 1000) {
          health = 'stale';
          since = behindSince;
        }
      }
      kiosks.push({
        kioskId: k.id,
        boardId: b.id,
        boardName: b.name,
        timeZone: b.timeZone,
        health,
        healthSince: since,
        lastReportAt: k.lastReportAt,
        appliedSeq: k.appliedSeq,
        appliedAt: k.appliedAt,
        latestSeq,
        version: k.version ?? null,
        clockOffsetMs: k.clockOffsetMs ?? null,
        screenOn: k.screenOn ?? null,
        lastError: k.lastError,
        alertSince: alerts.get(k.id)?.raised_at ?? null,
      });
    }
    for (const t of store.users.tokens()) {
      if (t.kind !== 'kiosk' || t.revokedAt !== null || t.board !== b.id || !t.kioskId || seen.has(t.kioskId)) continue;
      seen.add(t.kioskId);
      kiosks.push({
        kioskId: t.kioskId,
        boardId: b.id,
        boardName: b.name,
        timeZone: b.timeZone,
        health: 'never',
        healthSince: t.createdAt,
        lastReportAt: null,
        appliedSeq: null,
        appliedAt: null,
        latestSeq,
        version: null,
        clockOffsetMs: null,
        screenOn: null,
        lastError: null,
        alertSince: null,
      });
    }
  }
  const targets = [...(settings.alert.command ? ['command'] : []), ...(settings.alert.webhook ? ['webhook'] : [])];
  return { at: new Date(now).toISOString(), offlineAfterSeconds: settings.offlineAfterSeconds, staleAfterSeconds: settings.staleAfterSeconds, alertTargets: targets, kiosks };
}

export interface FleetNotice {
  event: 'kiosk-alert' | 'kiosk-recovered';
  kioskId: string;
  boardId: string;
  health: KioskHealth;
  since: string | null;
  message: string;
}

/** Sends one notice through the configured command and webhook; resolves with what each did (never throws). */
export async function deliverFleetNotice(settings: FleetSettings, n: FleetNotice): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const ms = settings.alert.timeoutSeconds * 1000;
  const jobs: Promise<void>[] = [];
  if (settings.alert.command) {
    const fill = (s: string): string =>
      s.replaceAll('{kiosk}', n.kioskId).replaceAll('{board}', n.boardId).replaceAll('{health}', n.health).replaceAll('{event}', n.event).replaceAll('{message}', n.message);
    const [cmd, ...args] = settings.alert.command.map(fill);
    jobs.push(
      new Promise<void>((resolve) => {
        const child = spawn(cmd!, args, {
          stdio: 'ignore',
          timeout: ms,
          env: { ...process.env, DESKA_KIOSK: n.kioskId, DESKA_BOARD: n.boardId, DESKA_HEALTH: n.health, DESKA_EVENT: n.event, DESKA_MESSAGE: n.message },
        });
        child.once('error', (e) => {
          out.command = `nespuštěn: ${e.message}`;
          resolve();
        });
        child.once('exit', (code, signal) => {
          out.command ??= code === 0 ? 'ok' : `skončil s kódem ${code ?? signal}`;
          resolve();
        });
      }),
    );
  }
  if (settings.alert.webhook) {
    jobs.push(
      fetch(settings.alert.webhook, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(n),
        signal: AbortSignal.timeout(ms),
        redirect: 'error',
      }).then(
        async (res) => {
          await res.body?.cancel();
          out.webhook = res.ok ? 'ok' : `HTTP ${res.status}`;
        },
        (e: unknown) => {
          out.webhook = `nedoručen: ${e instanceof Error ? e.message : String(e)}`;
        },
      ),
    );
  }
  await Promise.all(jobs);
  return out;
}

/**
 * One check of the fleet: raises an alert for each kiosk newly stale or offline past its threshold,
 * and clears the alert of each kiosk back online; each change is recorded in the audit log with
 * what the command and webhook did. Returns the notices sent.
 */
export async function checkFleet(store: Store, dataDir: string, now: number, log: (l: string) => void): Promise<FleetNotice[]> {
  const settings = fleetSettings(dataDir);
  const status = fleetStatus(store, settings, now);
  const raised = new Map((store.db.prepare('SELECT * FROM fleet_alerts').all() as AlertRow[]).map((r) => [r.kiosk_id, r]));
  const notices: FleetNotice[] = [];
  const nowIso = new Date(now).toISOString();
  for (const k of status.kiosks) {
    const bad = k.health === 'stale' || k.health === 'offline';
    const had = raised.get(k.kioskId);
    const fmt = (iso: string): string => formatWall(Date.parse(iso), k.timeZone, true);
    if (bad && (!had || had.health !== k.health)) {
      store.db
        .prepare('INSERT INTO fleet_alerts (kiosk_id, board_id, health, since, raised_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kiosk_id) DO UPDATE SET health = excluded.health, since = excluded.since')
        .run(k.kioskId, k.boardId, k.health, k.healthSince ?? nowIso, nowIso);
      notices.push({ event: 'kiosk-alert', kioskId: k.kioskId, boardId: k.boardId, health: k.health, since: k.healthSince, message: fleetSentence(k, fmt) });
    } else if (!bad && had && k.health === 'online') {
      store.db.prepare('DELETE FROM fleet_alerts WHERE kiosk_id = ?').run(k.kioskId);
      notices.push({
        event: 'kiosk-recovered',
        kioskId: k.kioskId,
        boardId: k.boardId,
        health: k.health,
        since: had.since,
        message: `Kiosek ${k.kioskId} (${k.boardName}) je znovu v provozu a má aktuální stav desky (potíž trvala od ${fmt(had.since)}).`,
      });
    }
  }
  for (const n of notices) {
    const delivered = await deliverFleetNotice(settings, n);
    log(`fleet: ${n.event} ${n.kioskId}: ${n.message} ${JSON.stringify(delivered)}`);
    store.transaction(() =>
      store.audit.append({ at: now, actor: 'system:fleet', action: n.event === 'kiosk-alert' ? 'fleet-alert' : 'fleet-recovered', detail: { ...n, delivered } }),
    );
  }
  return notices;
}
