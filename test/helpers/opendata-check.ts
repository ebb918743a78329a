/**
 * The failures most often reported against Czech boards' open data, as checks a test can run on a
 * served mirror: CORS missing (NKOD and web validators read the file from another origin), the
 * OFN file invalid against the official schema, the catalogue record not linking to the standard
 * (or not to the file). Each returns plain problems; empty means fine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG_PATH, DATASET_PATH, OFN_PATH, OFN_SCHEMA, OFN_STANDARD } from '../../src-main/mirror/paths.ts';
import { OFN_REFERENCE_DIR, type OfnValidator } from './ofn-validator.ts';

const CATALOG_CONTEXT_FILE = join(OFN_REFERENCE_DIR, 'rozhraní-katalogů-otevřených-dat/2021-01-11/kontexty/rozhraní-katalogů-otevřených-dat.jsonld');
const TERMS = new Set(Object.keys((JSON.parse(readFileSync(CATALOG_CONTEXT_FILE, 'utf8')) as { '@context': Record<string, unknown> })['@context']));

/** OFN document against the official JSON Schema. */
export function ofnProblems(doc: unknown, validator: OfnValidator): string[] {
  const r = validator.validate(doc);
  return r.valid ? [] : r.errors.slice(0, 10).map((e) => `OFN file invalid against the schema: ${e.instancePath || '/'} ${e.message ?? ''}`);
}

/** Keys of a record (nested) that the catalogue context does not define (they vanish as JSON-LD). */
function undefinedTerms(v: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(v)) for (const x of v) undefinedTerms(x, out);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (!k.startsWith('@') && !TERMS.has(k) && !['cs', 'en'].includes(k)) out.add(k);
      undefinedTerms(x, out);
    }
  }
  return out;
}

/** The DCAT-AP-CZ dataset record: links to the standard, to the file and its schema; every term known. */
export function datasetProblems(dataset: unknown, ofnUrl: string): string[] {
  const p: string[] = [];
  const d = dataset as { '@context'?: unknown; typ?: unknown; iri?: unknown; specifikace?: unknown; distribuce?: { soubor_ke_stažení?: unknown; přístupové_url?: unknown; schéma?: unknown; podmínky_užití?: unknown }[] } | null;
  if (d === null || typeof d !== 'object') return ['catalogue record is not a JSON object'];
  if (d['@context'] !== 'https://ofn.gov.cz/rozhraní-katalogů-otevřených-dat/2021-01-11/kontexty/rozhraní-katalogů-otevřených-dat.jsonld') p.push('catalogue record does not use the NKOD context');
  if (d.typ !== 'Datová sada') p.push('catalogue record is not a "Datová sada"');
  if (typeof d.iri !== 'string' || !/^https?:\/\//.test(d.iri)) p.push('catalogue record has no absolute IRI');
  if (!Array.isArray(d.specifikace) || !d.specifikace.includes(OFN_STANDARD)) p.push(`catalogue record does not link to the standard (specifikace ${OFN_STANDARD})`);
  const dist = Array.isArray(d.distribuce) ? d.distribuce : [];
  const ofn = dist.find((x) => x.soubor_ke_stažení === ofnUrl);
  if (!ofn) p.push(`catalogue record has no distribution downloading ${ofnUrl}`);
  else {
    if (ofn.přístupové_url !== ofnUrl) p.push('distribution: přístupové_url is not the file');
    if (ofn.schéma !== OFN_SCHEMA) p.push(`distribution does not name the schema ${OFN_SCHEMA}`);
    if (typeof ofn.podmínky_užití !== 'object' || ofn.podmínky_užití === null) p.push('distribution has no terms of use (podmínky užití)');
  }
  const unknown = [...undefinedTerms(dataset, new Set())];
  if (unknown.length > 0) p.push(`catalogue record uses terms the context does not define: ${unknown.join(', ')}`);
  return p;
}

async function get(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { Origin: 'https://data.gov.cz', 'Accept-Encoding': 'gzip', ...(init.headers as Record<string, string> | undefined) } });
}

/** What a reader on another origin gets from the served mirror at `base` (the board's public URL). */
export async function servedProblems(base: string, validator: OfnValidator, pdfPath: string | null): Promise<string[]> {
  const p: string[] = [];
  const expect: [string, RegExp][] = [
    ['', /^text\/html; charset=utf-8$/i],
    ['styl.css', /^text\/css; charset=utf-8$/i],
    [OFN_PATH, /^application\/ld\+json(; charset=utf-8)?$/i],
    [DATASET_PATH, /^application\/ld\+json(; charset=utf-8)?$/i],
    [CATALOG_PATH, /^application\/ld\+json(; charset=utf-8)?$/i],
    ['atom.xml', /^application\/atom\+xml(; charset=utf-8)?$/i],
    ['en/atom.xml', /^application\/atom\+xml(; charset=utf-8)?$/i],
    ['sitemap.xml', /^application\/xml(; charset=utf-8)?$/i],
    // The search page's script and Pagefind's (a module script in another type is refused by browsers under nosniff).
    ['hledani/hledani.js', /^(text|application)\/javascript(; charset=utf-8)?$/i],
    ['pagefind/0/pagefind.js', /^(text|application)\/javascript(; charset=utf-8)?$/i],
    ['pagefind/0/pagefind-entry.json', /^application\/json(; charset=utf-8)?$/i],
    ['pagefind/shards.json', /^application\/json(; charset=utf-8)?$/i],
    ...(pdfPath ? [[pdfPath, /^application\/pdf$/i] as [string, RegExp]] : []),
  ];
  const bodies = new Map<string, string>();
  for (const [path, type] of expect) {
    const res = await get(new URL(path, base).href);
    const body = await res.text();
    bodies.set(path, body);
    if (res.status !== 200) {
      p.push(`${path || '/'}: HTTP ${res.status}`);
      continue;
    }
    if (!type.test(res.headers.get('content-type') ?? '')) p.push(`${path || '/'}: content type ${res.headers.get('content-type')}, expected ${type}`);
    const cors = res.headers.get('access-control-allow-origin');
    if (cors !== '*' && cors !== 'https://data.gov.cz') p.push(`${path || '/'}: CORS missing (no Access-Control-Allow-Origin)`);
    if (!path.endsWith('.pdf') && body.length >= 1024 && res.headers.get('content-encoding') !== 'gzip') p.push(`${path || '/'}: not compressed`);
  }
  const pre = await get(new URL(OFN_PATH, base).href, { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'GET' } });
  await pre.arrayBuffer();
  if (pre.status >= 300 || !pre.headers.get('access-control-allow-origin')) p.push(`CORS preflight of ${OFN_PATH}: HTTP ${pre.status}, Access-Control-Allow-Origin ${pre.headers.get('access-control-allow-origin')}`);
  const ofnUrl = new URL(OFN_PATH, base).href;
  try {
    p.push(...ofnProblems(JSON.parse(bodies.get(OFN_PATH) ?? ''), validator));
  } catch {
    p.push('OFN file is not JSON');
  }
  try {
    const dataset = JSON.parse(bodies.get(DATASET_PATH) ?? '') as { iri?: string };
    p.push(...datasetProblems(dataset, ofnUrl));
    const catalog = JSON.parse(bodies.get(CATALOG_PATH) ?? '') as { datová_sada?: unknown };
    if (!Array.isArray(catalog.datová_sada) || !catalog.datová_sada.includes(dataset.iri)) p.push('catalogue does not list the dataset');
  } catch {
    p.push('catalogue record is not JSON');
  }
  return p;
}
