/**
 * Offline validator for the OFN "Úřední desky" 2021-07-20 JSON Schema. Every schema the official
 * one references is read from the repository's copy (schemas/ofn, sources in its SOURCES.md) and registered under its
 * percent-encoded $id, so Ajv never reaches for the network.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';

/** The repository's own copy of the OFN schemas, contexts and examples: schemas/ofn. */
export const OFN_REFERENCE_DIR = fileURLToPath(new URL('../../schemas/ofn/', import.meta.url));

export const OFN_SCHEMA_ID = 'https://ofn.gov.cz/úřední-desky/2021-07-20/schémata/úřední-deska.json';

/** GeoJSON schema is referenced by URL but declares no $id (draft-04). */
const EXTERNAL_IDS: Record<string, string> = {
  '_external/raw.githubusercontent.com/ropensci/geojsonlint/master/inst/schema/geojson.json':
    'https://raw.githubusercontent.com/ropensci/geojsonlint/master/inst/schema/geojson.json',
};

function listJson(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel)).flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(join(dir, r)).isDirectory()) return listJson(dir, r);
    return name.endsWith('.json') ? [r] : [];
  });
}

/** RFC 3987 IRI, loosely: a scheme and no whitespace or characters IRIs forbid. */
function isIri(s: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]*$/u.test(s);
}

export interface OfnValidator {
  validate(doc: unknown): { valid: boolean; errors: ErrorObject[] };
}

export function createOfnValidator(dir = OFN_REFERENCE_DIR): OfnValidator {
  const ajv = new Ajv2019({ strict: false, unicodeRegExp: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addFormat('iri', { type: 'string', validate: isIri });
  for (const rel of listJson(dir)) {
    const schema = JSON.parse(readFileSync(join(dir, rel), 'utf8')) as Record<string, unknown>;
    const id = (schema.$id as string | undefined) ?? EXTERNAL_IDS[rel];
    if (!id) continue;
    // The draft-04 GeoJSON schema is plain enough to read as 2019-09; its $schema would
    // otherwise make Ajv look for the draft-04 meta-schema.
    if (String(schema.$schema).includes('draft-04')) delete schema.$schema;
    schema.$id = encodeURI(id);
    ajv.addSchema(schema);
  }
  const fn = ajv.getSchema(encodeURI(OFN_SCHEMA_ID)) as ValidateFunction | undefined;
  if (!fn) throw new Error(`OFN schema ${OFN_SCHEMA_ID} not found under ${dir}`);
  return {
    validate(doc) {
      const valid = fn(doc) as boolean;
      return { valid, errors: valid ? [] : [...(fn.errors ?? [])] };
    },
  };
}
