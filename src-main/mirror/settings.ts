/**
 * Per-board settings of the web mirror, in DATA/mirror.json (optional; validated on load, a
 * mistake is a Czech sentence naming the field):
 *
 *   { "boards": { "horni-lhota": {
 *       "publicUrl": "https://deska.horni-lhota.cz/",
 *       "pageSize": 50,
 *       "contact": { "name": "Podatelna", "email": "podatelna@horni-lhota.cz", "phone": "+420 123 456 789" },
 *       "accessibility": { "preparedOn": "2026-11-02", "reviewedOn": "2026-11-02" },
 *       "archive": true,
 *       "opendata": { "ruian": "https://linked.cuzk.cz/resource/ruian/obec/599999", "personalData": true,
 *                     "location": "Obecní úřad, Náves 1, vestibul" } } } }
 *
 * publicUrl: where the public reads the mirror (overrides the board's own, e.g. from `deska init
 * --public-url`). Without one the mirror links relatively and writes no file that needs absolute
 * addresses (open data, catalogue record, Atom, sitemap): it never makes one up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MirrorSettings {
  publicUrl?: string;
  /** Notices per index and category page (10–500, default 50). */
  pageSize?: number;
  /** Who takes accessibility complaints and open-data questions (the statement and the catalogue record). */
  contact?: { name?: string; email?: string; phone?: string };
  /** Dates of the accessibility statement ("YYYY-MM-DD"). */
  accessibility?: { preparedOn?: string; reviewedOn?: string };
  /**
   * Publish an archive of removed notices without personal data (archiv/), each marked as removed
   * with its dates; false when absent.
   */
  archive?: boolean;
  opendata?: {
    /** RÚIAN element the board covers (its municipality), e.g. https://linked.cuzk.cz/resource/ruian/obec/599999. */
    ruian?: string;
    /** Whether the data may hold personal data (podmínky užití); true when absent. */
    personalData?: boolean;
    /** Where the physical board hangs, e.g. "Obecní úřad Horní Lhota, Náves 1, vestibul" (OFN umístění of the board). */
    location?: string;
  };
}

export const MIRROR_SETTINGS_FILE = 'mirror.json';
export const DEFAULT_PAGE_SIZE = 50;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

/** True for an absolute http(s) URL a visitor could open (no credentials, query or fragment). */
export function isPublicBase(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '' && u.search === '' && u.hash === '';
  } catch {
    return false;
  }
}

/** The board's public base URL with a trailing slash, or '' when none is set. */
export function normalizePublicUrl(url: string | undefined | null): string {
  if (!url) return '';
  return url.endsWith('/') ? url : `${url}/`;
}

function text(v: unknown, where: string, max = 200): string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > max || /[\u0000-\u001f\u007f]/.test(v)) {
    throw new Error(`${where} musí být neprázdný text (nejvýše ${max} znaků, bez řídicích znaků).`);
  }
  return v;
}

/** Validates one board's settings; throws a Czech message naming the field. */
export function parseMirrorSettings(b: unknown, where: string): MirrorSettings {
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new Error(`${where} musí být objekt.`);
  const known = ['publicUrl', 'pageSize', 'contact', 'accessibility', 'archive', 'opendata'];
  for (const k of Object.keys(b)) if (!known.includes(k)) throw new Error(`${where}: neznámé nastavení "${k}" (známá: ${known.join(', ')}).`);
  const s = b as Record<string, unknown>;
  const out: MirrorSettings = {};
  if (s.publicUrl !== undefined) {
    if (typeof s.publicUrl !== 'string' || !isPublicBase(s.publicUrl)) throw new Error(`${where}.publicUrl musí být adresa http(s)://… bez dotazu a kotvy, např. "https://deska.obec.cz/".`);
    out.publicUrl = normalizePublicUrl(s.publicUrl);
  }
  if (s.pageSize !== undefined) {
    if (!Number.isInteger(s.pageSize) || (s.pageSize as number) < 10 || (s.pageSize as number) > 500) throw new Error(`${where}.pageSize musí být celé číslo od 10 do 500.`);
    out.pageSize = s.pageSize as number;
  }
  if (s.contact !== undefined) {
    const c = s.contact as Record<string, unknown> | null;
    if (c === null || typeof c !== 'object') throw new Error(`${where}.contact musí být objekt s "name", "email" nebo "phone".`);
    out.contact = {};
    if (c.name !== undefined) out.contact.name = text(c.name, `${where}.contact.name`);
    if (c.email !== undefined) {
      if (typeof c.email !== 'string' || !EMAIL.test(c.email)) throw new Error(`${where}.contact.email musí být e-mailová adresa.`);
      out.contact.email = c.email;
    }
    if (c.phone !== undefined) out.contact.phone = text(c.phone, `${where}.contact.phone`, 40);
  }
  if (s.accessibility !== undefined) {
    const a = s.accessibility as Record<string, unknown> | null;
    if (a === null || typeof a !== 'object') throw new Error(`${where}.accessibility musí být objekt s "preparedOn" a "reviewedOn".`);
    out.accessibility = {};
    for (const k of ['preparedOn', 'reviewedOn'] as const) {
      if (a[k] === undefined) continue;
      if (typeof a[k] !== 'string' || !DATE.test(a[k]) || Number.isNaN(Date.parse(`${a[k]}T12:00:00Z`))) throw new Error(`${where}.accessibility.${k} musí být datum ve tvaru RRRR-MM-DD.`);
      out.accessibility[k] = a[k];
    }
  }
  if (s.archive !== undefined) {
    if (typeof s.archive !== 'boolean') throw new Error(`${where}.archive musí být true (zveřejňovat archiv sejmutých oznámení bez osobních údajů) nebo false.`);
    out.archive = s.archive;
  }
  if (s.opendata !== undefined) {
    const o = s.opendata as Record<string, unknown> | null;
    if (o === null || typeof o !== 'object') throw new Error(`${where}.opendata musí být objekt.`);
    out.opendata = {};
    if (o.ruian !== undefined) {
      if (typeof o.ruian !== 'string' || !/^https:\/\/linked\.cuzk\.cz\/resource\/ruian\/[a-z-]+\/\d+$/.test(o.ruian)) {
        throw new Error(`${where}.opendata.ruian musí být adresa prvku RÚIAN, např. "https://linked.cuzk.cz/resource/ruian/obec/599999".`);
      }
      out.opendata.ruian = o.ruian;
    }
    if (o.location !== undefined) out.opendata.location = text(o.location, `${where}.opendata.location`);
    if (o.personalData !== undefined) {
      if (typeof o.personalData !== 'boolean') throw new Error(`${where}.opendata.personalData musí být true nebo false.`);
      out.opendata.personalData = o.personalData;
    }
  }
  return out;
}

/** Reads DATA/mirror.json for one board ({} when the file or the board's entry is absent). */
export function loadMirrorSettings(dataDir: string, boardId: string): MirrorSettings {
  const file = join(dataDir, MIRROR_SETTINGS_FILE);
  if (!existsSync(file)) return {};
  let all: unknown;
  try {
    all = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`Soubor ${file} není platný JSON (${e instanceof Error ? e.message : String(e)}). Opravte ho.`);
  }
  if (all === null || typeof all !== 'object' || Array.isArray(all)) throw new Error(`Soubor ${file} musí obsahovat objekt { "boards": { … } }.`);
  const boards = (all as { boards?: unknown }).boards;
  if (boards === undefined) return {};
  if (boards === null || typeof boards !== 'object' || Array.isArray(boards)) throw new Error(`${file}: "boards" musí být objekt podle id desek.`);
  const b = (boards as Record<string, unknown>)[boardId];
  return b === undefined ? {} : parseMirrorSettings(b, `${file}: boards.${boardId}`);
}
