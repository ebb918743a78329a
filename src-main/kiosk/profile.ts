/**
 * Kiosk profile: one JSON file per physical kiosk (kiosk-profiles/*.json). Loaded once at
 * start; every problem is reported with the file, the field, what is wrong and what is expected,
 * because the reader is a technician standing in a town-hall lobby, not a developer.
 *
 * The profile's shape is docs/kiosk-profile.schema.json (JSON Schema, checked with ajv); what
 * a schema cannot say (the feed URL ends in the board's feed, the key decodes, the screen
 * leaves room for controls) is checked below. A profile that fails keeps the kiosk on its last
 * good profile where one was saved (loadProfileOrLastGood).
 */
import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { decodePublicKey } from '../publication/signing.ts';
import type { KioskAccessibility, KioskDisplay, ScreenSchedule } from '../shared/kiosk-api.ts';
import { DEFAULT_REACH_BAND, reachBand, type KioskScreen } from '../shared/reach.ts';
import type { DisplayCommands } from './health.ts';

export type { KioskDisplay };

export type FeedSource = { kind: 'http'; url: string } | { kind: 'folder'; path: string };

export interface KioskProfile extends Omit<KioskDisplay, 'reachBand'> {
  /** Absolute path of the profile file (for messages). */
  file: string;
  board: string;
  feed: FeedSource;
  /** "ed25519:…" */
  publicKey: string;
  /** The kiosk's own token (kind "kiosk"): sent on every feed request and with its reports. */
  token: string | null;
  /** @deprecated the same as `token` (the field's earlier name, still accepted in profiles). */
  reportToken: string | null;
  /** Absolute, or null when the CLI must supply one. */
  dataDir: string | null;
  pollSeconds: number;
  /** Commands that switch the display off and on for the screen schedule; null: the UI's dark screen only. */
  displayCommands: DisplayCommands | null;
  /** "HH:MM" in the board's zone when the renderer reloads itself each night; null for never. */
  nightlyReload: string | null;
}

/** When the renderer reloads itself each night unless the profile says otherwise. */
export const DEFAULT_NIGHTLY_RELOAD = '03:30';

export class ProfileError extends Error {
  override name = 'ProfileError';
}

/** The profile's JSON Schema (docs/kiosk-profile.schema.json). */
export const PROFILE_SCHEMA_PATH = resolve(import.meta.dirname, '../../docs/kiosk-profile.schema.json');

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  /** What the technician is told when the value is wrong (an annotation of this schema). */
  expected?: { en: string; cs: string };
}
const profileSchema = JSON.parse(readFileSync(PROFILE_SCHEMA_PATH, 'utf8')) as SchemaNode & Record<string, unknown>;
const ajv = new Ajv2020.default({ allErrors: true, strict: true });
ajv.addVocabulary(['expected']);
const validateSchema = ajv.compile(profileSchema);

/**
 * The schema's findings as technician messages, one per field, in English and Czech:
 * `"field" is GOT; expected …` and `„field“ je GOT; má být …` below it. Keyed by field.
 */
function schemaProblems(raw: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  if (validateSchema(raw)) return out;
  const allowed = (node: SchemaNode): string => Object.keys(node.properties ?? {}).join(', ');
  for (const e of (validateSchema.errors ?? []) as ErrorObject[]) {
    const segs = e.instancePath.split('/').slice(1).map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (e.keyword === 'additionalProperties') {
      // Unknown fields, at the top or inside an object the schema describes.
      let node: SchemaNode | undefined = profileSchema;
      for (const seg of segs) node = node?.properties?.[seg];
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const field = [...segs, extra].join('.');
      if (!node) continue;
      out.set(field, `unknown field "${field}"; allowed fields: ${allowed(node)}\n    neznámé pole „${field}“; povolená pole: ${allowed(node)}`);
      continue;
    }
    if (e.keyword === 'required' && segs.length === 0) segs.push(String((e.params as { missingProperty: string }).missingProperty));
    // The deepest field along the path that says what it expects.
    let node: SchemaNode | undefined = profileSchema;
    let at: string[] = [];
    let expected: { en: string; cs: string } | undefined;
    for (let i = 0; i < segs.length && node; i++) {
      node = node.properties?.[segs[i]!];
      if (node?.expected) {
        expected = node.expected;
        at = segs.slice(0, i + 1);
      }
    }
    if (!expected) continue;
    const field = at.join('.');
    if ([...out.keys()].some((f) => f === field || field.startsWith(`${f}.`))) continue;
    let got: unknown = raw;
    for (const seg of at) got = isObj(got) ? got[seg] : undefined;
    out.set(field, `"${field}" is ${show(got)}; expected ${expected.en}\n    „${field}“ je ${showCs(got)}; má být ${expected.cs}`);
  }
  return out;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
type Obj = Record<string, unknown>;
/** What a technician is told, in English and in Czech (as the schema's `expected` annotations). */
interface Said {
  en: string;
  cs: string;
}
const TRUE_OR_FALSE: Said = { en: 'true or false', cs: 'true (ano) nebo false (ne)' };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));
const showCs = (v: unknown): string => (v === undefined ? 'nic' : JSON.stringify(v));

/** Reads and validates a profile file; throws ProfileError listing every problem found. */
export function loadProfile(path: string, env: NodeJS.ProcessEnv = process.env): KioskProfile {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ProfileError(`Kiosk profile ${file}: cannot read the file (${(e as Error).message}).\nProfil kiosku ${file} nelze přečíst (${(e as Error).message}).`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProfileError(`Kiosk profile ${file}: not valid JSON (${(e as Error).message}).\nProfil kiosku ${file} není platný JSON (${(e as Error).message}).`);
  }
  return parseProfile(raw, file, env);
}

/** Validates an already parsed profile; `file` anchors relative paths and names the source. */
export function parseProfile(raw: unknown, file: string, env: NodeJS.ProcessEnv = process.env): KioskProfile {
  const problems: string[] = [];
  const fail = (): never => {
    throw new ProfileError(
      `Kiosk profile ${file} has ${problems.length} problem(s) / Profil kiosku ${file} má chyby (${problems.length}):\n  - ${problems.join('\n  - ')}`,
    );
  };
  if (!isObj(raw)) {
    problems.push('the file must contain one JSON object { … } / soubor musí obsahovat jeden objekt JSON { … }');
    fail();
  }
  const p = raw as Obj;
  const base = dirname(file);
  // The schema first (shape, types, ranges, unknown fields); the checks below add what it cannot say.
  const flagged = schemaProblems(p);
  problems.push(...flagged.values());
  /** A field the schema let through but that is still wrong, in English and Czech like the schema's findings. */
  const bad = (field: string, got: unknown, expected: Said): void => {
    if ([...flagged.keys()].some((f) => f === field || field.startsWith(`${f}.`))) return;
    problems.push(`"${field}" is ${show(got)}; expected ${expected.en}\n    „${field}“ je ${showCs(got)}; má být ${expected.cs}`);
  };
  /** A problem that is not about one value, in both languages. */
  const problem = (said: Said): void => void problems.push(`${said.en}\n    ${said.cs}`);

  const slug = (field: string): string => {
    const v = p[field];
    if (typeof v !== 'string' || !SLUG.test(v)) bad(field, v, { en: 'a slug of lowercase letters, digits and dashes, e.g. "lobby-1"', cs: 'krátký název z malých písmen, číslic a pomlček, např. "lobby-1"' });
    return String(v);
  };
  const kioskId = slug('kioskId');
  const board = slug('board');

  let feed: FeedSource = { kind: 'folder', path: base };
  const f = p.feed;
  if (!isObj(f) || Object.keys(f).length !== 1 || (!('url' in f) && !('folder' in f))) {
    bad('feed', f, { en: '{ "url": "http://host/feed/<board>/" } or { "folder": "path/to/feed" }', cs: '{ "url": "http://server/feed/<deska>/" } nebo { "folder": "cesta/ke/složce" }' });
  } else if ('url' in f) {
    const url = f.url;
    let parsed: URL | null = null;
    try {
      parsed = typeof url === 'string' ? new URL(url) : null;
    } catch {
      parsed = null;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol)) bad('feed.url', url, { en: 'an http:// or https:// URL such as "http://127.0.0.1:8080/feed/demo/"', cs: 'adresa http:// nebo https://, např. "http://127.0.0.1:8080/feed/demo/"' });
    else if (!parsed.pathname.endsWith(`/feed/${board}/`))
      bad('feed.url', url, {
        en: `a URL ending in "/feed/${board}/" (the board's feed, with the trailing slash)`,
        cs: `adresa končící "/feed/${board}/" (zdroj této desky, včetně lomítka na konci)`,
      });
    else feed = { kind: 'http', url: parsed.href };
  } else {
    if (typeof f.folder !== 'string' || f.folder === '') bad('feed.folder', f.folder, { en: 'a folder path (relative paths start at the profile file)', cs: 'cesta ke složce (relativní cesta se počítá od souboru profilu)' });
    else feed = { kind: 'folder', path: resolve(base, f.folder) };
  }

  let publicKey = '';
  const hasKey = 'publicKey' in p;
  const hasKeyFile = 'publicKeyFile' in p;
  if (hasKey === hasKeyFile) {
    problem({
      en: 'exactly one of "publicKey" ("ed25519:…") or "publicKeyFile" (path to a file holding it) is required',
      cs: 'je třeba uvést právě jedno z polí „publicKey“ ("ed25519:…") a „publicKeyFile“ (cesta k souboru s klíčem)',
    });
  } else if (hasKey) {
    publicKey = checkKey('publicKey', p.publicKey, bad);
  } else if (typeof p.publicKeyFile !== 'string' || p.publicKeyFile === '') {
    bad('publicKeyFile', p.publicKeyFile, { en: 'a path to the board\'s public key file, e.g. "../demo-data/keys/board.pub"', cs: 'cesta k souboru s veřejným klíčem desky, např. "../demo-data/keys/board.pub"' });
  } else {
    const keyPath = resolve(base, p.publicKeyFile);
    try {
      publicKey = checkKey(`publicKeyFile (${keyPath})`, readFileSync(keyPath, 'utf8').trim(), bad);
    } catch (e) {
      problem({
        en: `"publicKeyFile": cannot read ${keyPath} (${(e as Error).message}); run "deska init" first or copy the board's key there`,
        cs: `„publicKeyFile“: soubor ${keyPath} nelze přečíst (${(e as Error).message}); nejdřív spusťte "deska init", nebo tam zkopírujte klíč desky`,
      });
    }
  }

  // "token" (earlier "reportToken", still accepted); DESKA_KIOSK_TOKEN when neither is set.
  let token: string | null = env.DESKA_KIOSK_TOKEN ?? null;
  if ('token' in p && 'reportToken' in p) problem({ en: '"token" and "reportToken" are the same field; keep only "token"', cs: '„token“ a „reportToken“ jsou totéž pole; ponechte jen „token“' });
  for (const field of ['token', 'reportToken'] as const) {
    if (!(field in p)) continue;
    const v = p[field];
    if (typeof v !== 'string' || v === '') bad(field, v, { en: 'the kiosk\'s own token, a non-empty string (or leave it out and set DESKA_KIOSK_TOKEN)', cs: 'vlastní token kiosku, neprázdný text (nebo pole vynechte a nastavte DESKA_KIOSK_TOKEN)' });
    else token = v;
  }

  let dataDir: string | null = null;
  if ('dataDir' in p) {
    if (typeof p.dataDir !== 'string' || p.dataDir === '') bad('dataDir', p.dataDir, { en: 'a folder path for the kiosk\'s own database', cs: 'cesta ke složce pro vlastní databázi kiosku' });
    else dataDir = resolve(base, p.dataDir);
  }

  const orientation = p.orientation;
  if (orientation !== 'landscape' && orientation !== 'portrait') bad('orientation', orientation, { en: '"landscape" or "portrait"', cs: '"landscape" (na šířku) nebo "portrait" (na výšku)' });

  const languages = p.languages;
  if (!Array.isArray(languages) || languages.length === 0 || !languages.every((l) => typeof l === 'string' && /^[a-z]{2}$/.test(l)))
    bad('languages', languages, { en: 'a non-empty list of two-letter language codes, e.g. ["cs", "en"]', cs: 'neprázdný seznam dvoupísmenných kódů jazyků, např. ["cs", "en"]' });

  const int = (field: string, min: number, max: number, dflt?: number): number => {
    const v = p[field];
    if (v === undefined && dflt !== undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(field, v, { en: `a whole number of seconds from ${min} to ${max}`, cs: `celý počet sekund od ${min} do ${max}` });
    return Number(v);
  };
  const idleTimeoutSeconds = int('idleTimeoutSeconds', 10, 3600);
  const pollSeconds = int('pollSeconds', 5, 86400, 60);

  let screenSchedule: ScreenSchedule | null = null;
  const s = p.screenSchedule;
  if (s !== null) {
    if (!isObj(s) || typeof s.on !== 'string' || typeof s.off !== 'string' || !HHMM.test(s.on) || !HHMM.test(s.off) || Object.keys(s).length !== 2)
      bad('screenSchedule', s, { en: '{ "on": "HH:MM", "off": "HH:MM" } in the board\'s time zone, or null for always on', cs: '{ "on": "HH:MM", "off": "HH:MM" } v časovém pásmu desky, nebo null pro stále zapnuto' });
    else screenSchedule = { on: s.on, off: s.off };
  }

  const accessibility: KioskAccessibility = { reachMode: false, fontScale: 1, highContrast: false };
  const a = p.accessibility;
  if (!isObj(a)) bad('accessibility', a, { en: '{ "reachMode": false, "fontScale": 1, "highContrast": false }', cs: '{ "reachMode": false, "fontScale": 1, "highContrast": false }' });
  else {
    if (typeof a.reachMode !== 'boolean') bad('accessibility.reachMode', a.reachMode, TRUE_OR_FALSE);
    else accessibility.reachMode = a.reachMode;
    if (typeof a.fontScale !== 'number' || a.fontScale < 0.75 || a.fontScale > 2) bad('accessibility.fontScale', a.fontScale, { en: 'a number from 0.75 to 2 (1 = normal size)', cs: 'číslo od 0.75 do 2 (1 = běžná velikost)' });
    else accessibility.fontScale = a.fontScale;
    if (typeof a.highContrast !== 'boolean') bad('accessibility.highContrast', a.highContrast, TRUE_OR_FALSE);
    else accessibility.highContrast = a.highContrast;
  }

  let screen: KioskScreen | null = null;
  if ('screen' in p && p.screen !== null) {
    const sc = p.screen;
    const expected = {
      en: '{ "diagonalInches": 15–110, "mountingHeightMm": 0–2000 } (the picture\'s lower edge above the floor)',
      cs: '{ "diagonalInches": 15–110, "mountingHeightMm": 0–2000 } (výška dolního okraje obrazu nad podlahou)',
    };
    if (
      !isObj(sc) ||
      Object.keys(sc).some((k) => k !== 'diagonalInches' && k !== 'mountingHeightMm') ||
      typeof sc.diagonalInches !== 'number' ||
      sc.diagonalInches < 15 ||
      sc.diagonalInches > 110 ||
      typeof sc.mountingHeightMm !== 'number' ||
      sc.mountingHeightMm < 0 ||
      sc.mountingHeightMm > 2000
    )
      bad('screen', sc, expected);
    else {
      screen = { diagonalInches: sc.diagonalInches, mountingHeightMm: sc.mountingHeightMm };
      if (orientation === 'landscape' || orientation === 'portrait') {
        if (!reachBand(screen, orientation))
          problem({
            en: `"screen": mounted with its lower edge at ${sc.mountingHeightMm} mm, too little of the screen lies 380–1220 mm above the floor for its controls; mount it so that at least a quarter of it does`,
            cs: `„screen“: s dolním okrajem ve výšce ${sc.mountingHeightMm} mm leží ve výšce 380–1220 mm nad podlahou příliš malá část obrazovky pro ovládací prvky; umístěte ji tak, aby tam ležela aspoň čtvrtina`,
          });
      }
    }
  }

  let displayCommands: DisplayCommands | null = null;
  if ('displayCommands' in p && p.displayCommands !== null) {
    const d = p.displayCommands;
    const argv = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x !== '');
    if (!isObj(d) || Object.keys(d).some((k) => k !== 'off' && k !== 'on') || !argv(d.off) || !argv(d.on))
      bad('displayCommands', d, {
        en: '{ "off": ["xset", "dpms", "force", "off"], "on": ["xset", "dpms", "force", "on"] } (each a command and its arguments), or null',
        cs: '{ "off": ["xset", "dpms", "force", "off"], "on": ["xset", "dpms", "force", "on"] } (každý příkaz s argumenty), nebo null',
      });
    else displayCommands = { off: d.off as string[], on: d.on as string[] };
  }

  let nightlyReload: string | null = DEFAULT_NIGHTLY_RELOAD;
  if ('nightlyReload' in p) {
    const r = p.nightlyReload;
    if (r !== null && (typeof r !== 'string' || !HHMM.test(r))) bad('nightlyReload', r, { en: '"HH:MM" in the board\'s time zone (e.g. "03:30"), or null for no nightly reload', cs: '"HH:MM" v časovém pásmu desky (např. "03:30"), nebo null bez nočního obnovení' });
    else nightlyReload = r;
  }

  if (problems.length > 0) fail();
  return {
    displayCommands,
    nightlyReload,
    screen,
    file,
    kioskId,
    board,
    feed,
    publicKey,
    token,
    reportToken: token,
    dataDir,
    orientation: orientation as KioskProfile['orientation'],
    languages: languages as string[],
    idleTimeoutSeconds,
    screenSchedule,
    accessibility,
    pollSeconds,
  };
}

function checkKey(field: string, v: unknown, bad: (f: string, got: unknown, exp: Said) => void): string {
  if (typeof v === 'string') {
    try {
      decodePublicKey(v);
      return v.trim();
    } catch {
      // fall through to the message below
    }
  }
  bad(field, v, { en: '"ed25519:" followed by 44 base64 characters (the board\'s public key)', cs: '"ed25519:" a za ním 44 znaků base64 (veřejný klíč desky)' });
  return '';
}

/** The copy of the last profile that loaded, in the kiosk's data folder. */
export const LAST_GOOD_PROFILE = 'profile.last-good.json';

export interface LoadedProfile {
  profile: KioskProfile;
  /** Set when the profile file has problems and the kiosk runs on its last good profile. */
  problem: string | null;
}

/**
 * Loads the profile; a good one is copied into the data folder. A profile with problems is
 * not used: the kiosk keeps running on the last good copy where there is one (the technician
 * is told both, in Czech and English); without a copy the problems stop the start.
 */
export function loadProfileOrLastGood(path: string, dataDirOverride: string | undefined, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): LoadedProfile {
  const file = resolve(path);
  try {
    const profile = loadProfile(file, env);
    const dataDir = dataDirOverride ?? profile.dataDir;
    if (dataDir) {
      try {
        mkdirSync(dataDir, { recursive: true });
        const tmp = join(dataDir, `${LAST_GOOD_PROFILE}.tmp`);
        writeFileSync(tmp, JSON.stringify({ file, profile: JSON.parse(readFileSync(file, 'utf8')) as unknown }, null, 2));
        renameSync(tmp, join(dataDir, LAST_GOOD_PROFILE));
      } catch (e) {
        log(`[profile] could not keep a copy of the good profile in ${dataDir}: ${(e as Error).message}`);
      }
    }
    return { profile, problem: null };
  } catch (e) {
    if (!(e instanceof ProfileError)) throw e;
    const dataDir = dataDirOverride ?? lenientDataDir(file);
    if (!dataDir) throw e;
    let saved: { file: string; profile: unknown };
    try {
      saved = JSON.parse(readFileSync(join(dataDir, LAST_GOOD_PROFILE), 'utf8')) as { file: string; profile: unknown };
    } catch {
      throw e;
    }
    const profile = parseProfile(saved.profile, saved.file, env);
    log(
      `${e.message}\n` +
        `The kiosk keeps running with its last good profile (${join(dataDir, LAST_GOOD_PROFILE)}); correct ${file} and restart the kiosk.\n` +
        `Kiosk dál běží s posledním platným profilem (${join(dataDir, LAST_GOOD_PROFILE)}); opravte ${file} a kiosk spusťte znovu.`,
    );
    return { profile, problem: e.message };
  }
}

/**
 * The data folder a broken profile names: from its JSON, or, where a slip in the editor (a comma
 * left out) made it no JSON at all, from its one "dataDir" string read as it stands.
 */
function lenientDataDir(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  let dataDir: unknown;
  try {
    const raw = JSON.parse(text) as unknown;
    dataDir = isObj(raw) ? raw.dataDir : undefined;
  } catch {
    const found = [...text.matchAll(/"dataDir"\s*:\s*("(?:[^"\\\n]|\\.)*")/g)];
    try {
      dataDir = found.length === 1 ? (JSON.parse(found[0]![1]!) as unknown) : undefined;
    } catch {
      dataDir = undefined;
    }
  }
  return typeof dataDir === 'string' && dataDir !== '' ? resolve(dirname(file), dataDir) : null;
}

/** The display part of a profile, safe to hand to the UI. */
export function displayOf(p: KioskProfile): KioskDisplay {
  return {
    kioskId: p.kioskId,
    orientation: p.orientation,
    languages: p.languages,
    idleTimeoutSeconds: p.idleTimeoutSeconds,
    screenSchedule: p.screenSchedule,
    accessibility: p.accessibility,
    screen: p.screen,
    reachBand: (p.screen && reachBand(p.screen, p.orientation)) || DEFAULT_REACH_BAND,
  };
}
