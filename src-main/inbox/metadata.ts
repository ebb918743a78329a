/**
 * The metadata file of an inbox package: bytes → a checked document, or the list of problems a
 * technician can act on (which file, which field, what is wrong, what was expected). The format
 * is the JSON Schema in docs/inbox-package.schema.json (validated with ajv); on top of it come
 * the checks the API makes too (control characters, instants that exist, removal after posting)
 * and what JSON.parse forgives silently: a key given twice, a byte-order mark, a non-UTF-8 file.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ErrorObject } from 'ajv';
import schema from '../../docs/inbox-package.schema.json' with { type: 'json' };
import { cleanText, parseInstant } from '../publisher/input.ts';
import { DomainError } from '../store/notices.ts';

/** One thing wrong with a package. */
export interface Problem {
  /** The file inside the package (or the package itself). */
  file: string;
  /** JSON pointer of the field, e.g. "/attachments/0/file". */
  field?: string;
  problem: string;
  expected?: string;
}

export interface InboxAttachment {
  /** File name inside the package. */
  file: string;
  /** Name shown to readers. */
  name: string;
}

/** A package's metadata, checked; instants in UTC. */
export interface InboxDocument {
  system: string;
  documentId: string | null;
  referenceNumber: string;
  fileMark: string;
  title: string;
  description: string;
  category: string;
  department: string;
  type: string | null;
  /** Contains personal data (privacy/); false when absent. */
  personalData: boolean;
  postAt: string | null;
  removeAt: string | null;
  attachments: InboxAttachment[];
}

export const MAX_METADATA_BYTES = 256 * 1024;

/** The dedup key of a document: its id in the sending system, else its číslo jednací. */
export function externalKey(d: Pick<InboxDocument, 'documentId' | 'referenceNumber'>): string {
  return d.documentId !== null ? `id:${d.documentId}` : `cj:${d.referenceNumber.trim().replace(/\s+/g, ' ').toUpperCase()}`;
}

const ajv = new Ajv2020.default({ strict: false, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

const ISO_EXAMPLE = 'datum a čas ISO 8601 s časovou zónou, např. 2026-12-01T08:00:00+01:00';
/** What a field should hold, in Czech, by its JSON pointer with array indexes replaced by "*". */
const EXPECTED: Record<string, string> = {
  '': 'objekt JSON podle docs/inbox-package.schema.json',
  '/version': 'číslo 1 (verze formátu)',
  '/source': 'objekt { "system": …, "documentId": … }',
  '/source/system': 'název odesílajícího systému: písmena bez diakritiky, číslice, tečka, podtržítko, pomlčka (nejvýše 64 znaků), např. "ginis"',
  '/source/documentId': 'identifikátor dokumentu v odesílajícím systému (1–200 znaků bez řídicích znaků)',
  '/referenceNumber': 'číslo jednací jako text (1–200 znaků)',
  '/fileMark': 'spisová značka jako text (nejvýše 200 znaků)',
  '/title': 'název oznámení jako text (1–500 znaků)',
  '/description': 'popis jako text (nejvýše 20 000 znaků)',
  '/category': 'kategorie jako text (nejvýše 200 znaků)',
  '/department': 'odbor nebo původce jako text (nejvýše 300 znaků)',
  '/type': 'druh oznámení: malá písmena bez diakritiky, číslice a pomlčky, např. "verejna-vyhlaska"',
  '/postAt': ISO_EXAMPLE,
  '/removeAt': `${ISO_EXAMPLE}, později než postAt`,
  '/attachments': 'seznam nejvýše 50 příloh [{ "file": "soubor.pdf", "name": "Zobrazený název.pdf" }]',
  '/attachments/*': 'objekt { "file": "soubor.pdf", "name": "Zobrazený název.pdf" }',
  '/attachments/*/file': 'název souboru PDF v balíčku bez složek, končící .pdf (nejvýše 200 znaků)',
  '/attachments/*/name': 'zobrazený název přílohy (1–200 znaků)',
};
const TYPE_CZ: Record<string, string> = {
  string: 'text v uvozovkách',
  number: 'číslo',
  integer: 'celé číslo',
  boolean: 'true nebo false',
  object: 'objekt { … }',
  array: 'seznam [ … ]',
  null: 'null',
};

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'seznam';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'number') return 'číslo';
  if (typeof v === 'boolean') return 'true/false';
  return 'objekt';
}

function at(data: unknown, pointer: string): unknown {
  let v = data;
  for (const seg of pointer.split('/').slice(1)) {
    const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  }
  return v;
}

const expectedFor = (pointer: string): string | undefined => EXPECTED[pointer.replace(/\/\d+(?=\/|$)/g, '/*')];
const esc = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

function fromAjv(file: string, data: unknown, errors: ErrorObject[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  const push = (p: Problem): void => {
    const k = `${p.field}|${p.problem}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(p);
  };
  for (const e of errors) {
    if (e.schemaPath.startsWith('#/anyOf/')) continue; // reported once, by the anyOf itself
    const field = e.instancePath;
    const value = at(data, field);
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required': {
        const f = `${field}/${esc(String(p.missingProperty))}`;
        push({ file, field: f, problem: 'povinný údaj chybí', expected: expectedFor(f) });
        break;
      }
      case 'additionalProperties': {
        const f = `${field}/${esc(String(p.additionalProperty))}`;
        push({ file, field: f, problem: 'neznámý údaj (překlep v názvu?)', expected: 'jen údaje popsané v docs/inbox.md; vlastní údaje s předponou „x-“' });
        break;
      }
      case 'type':
        push({ file, field, problem: `údaj má špatný typ (je to ${kindOf(value)})`, expected: expectedFor(field) ?? TYPE_CZ[String(p.type)] });
        break;
      case 'const':
        push({ file, field, problem: `nepodporovaná hodnota ${JSON.stringify(value)?.slice(0, 40)}`, expected: expectedFor(field) });
        break;
      case 'maxLength':
      case 'minLength':
        push({
          file, field,
          problem: e.keyword === 'maxLength' ? `text je příliš dlouhý (${String(value).length} znaků, nejvýše ${String(p.limit)})` : 'text je prázdný nebo příliš krátký',
          expected: expectedFor(field),
        });
        break;
      case 'maxItems':
        push({ file, field, problem: `příliš mnoho položek (${Array.isArray(value) ? value.length : '?'})`, expected: expectedFor(field) });
        break;
      case 'pattern':
      case 'format':
        push({ file, field, problem: `hodnota ${JSON.stringify(String(value).slice(0, 60))} nemá povolený tvar`, expected: expectedFor(field) });
        break;
      case 'anyOf':
        push({
          file, field: '/source/documentId',
          problem: 'chybí klíč dokumentu: není uveden ani identifikátor dokumentu, ani číslo jednací',
          expected: '„source.documentId“ (identifikátor v odesílajícím systému) nebo „referenceNumber“ (číslo jednací); podle něj se poznají duplicity',
        });
        break;
      default:
        push({ file, field, problem: `údaj neodpovídá schématu (${e.message ?? e.keyword})`, expected: expectedFor(field) });
    }
  }
  return out;
}

/**
 * The first key that occurs twice in one object of a valid JSON text, as a JSON pointer, or null.
 * JSON.parse keeps the last one silently; a sender that writes a key twice has a bug we report.
 */
export function duplicateKey(text: string): string | null {
  const stack: { keys: Set<string>; path: string; isObject: boolean; lastKey: string | null }[] = [];
  let i = 0;
  let expectKey = false;
  const readString = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    return top.isObject ? `${top.path}/${esc(top.lastKey ?? '')}` : `${top.path}/${top.keys.size}`;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '{' || ch === '[') {
      stack.push({ keys: new Set(), path: childPath(), isObject: ch === '{', lastKey: null });
      expectKey = ch === '{';
      i++;
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      i++;
      const top = stack[stack.length - 1];
      if (top && !top.isObject) top.keys.add(String(top.keys.size));
    } else if (ch === '"') {
      const s = readString();
      const top = stack[stack.length - 1];
      if (top?.isObject && expectKey) {
        if (top.keys.has(s)) return `${top.path}/${esc(s)}`;
        top.keys.add(s);
        top.lastKey = s;
        expectKey = false;
      } else if (top && !top.isObject) top.keys.add(String(top.keys.size));
    } else if (ch === ',') {
      expectKey = stack[stack.length - 1]?.isObject ?? false;
      i++;
    } else if (/[-0-9tfn]/.test(ch)) {
      const top = stack[stack.length - 1];
      while (i < text.length && /[-+.0-9eEtruefalsn]/.test(text[i]!)) i++;
      if (top && !top.isObject) top.keys.add(String(top.keys.size));
    } else i++;
  }
  return null;
}

/** Line and column of a JSON.parse error, from V8's "… at position N …". */
function syntaxWhere(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return 'soubor končí dřív, než JSON skončil (useknutý soubor?)';
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `řádek ${line}, znak ${col}`;
}

/** The text checks of the API (publisher/input.ts): cleaned texts by JSON pointer, and the problems. */
function cleanTexts(file: string, data: Record<string, unknown>): { texts: Map<string, string>; problems: Problem[] } {
  const problems: Problem[] = [];
  const texts = new Map<string, string>();
  const check = (field: string, v: unknown, multiline = false): void => {
    if (typeof v !== 'string') return;
    try {
      texts.set(field, cleanText(field, v, { multiline }));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      problems.push({ file, field, problem: e.message.replace(/ Odstraňte jej a zkuste to znovu\.$/, ''), expected: 'text bez řídicích znaků' + (multiline ? '' : ' a bez zalomení řádku') });
    }
  };
  for (const k of ['referenceNumber', 'fileMark', 'title', 'category', 'department']) check(`/${k}`, data[k]);
  check('/description', data.description, true);
  const source = data.source as Record<string, unknown> | undefined;
  check('/source/documentId', source?.documentId);
  const atts = Array.isArray(data.attachments) ? (data.attachments as Record<string, unknown>[]) : [];
  atts.forEach((a, i) => check(`/attachments/${i}/name`, a?.name));
  return { texts, problems };
}

/** Parses and checks a metadata file; `file` names it in the problems. */
export function parseMetadata(file: string, bytes: Uint8Array): { ok: true; doc: InboxDocument } | { ok: false; problems: Problem[] } {
  const fail = (p: Omit<Problem, 'file'>): { ok: false; problems: Problem[] } => ({ ok: false, problems: [{ file, ...p }] });
  if (bytes.byteLength > MAX_METADATA_BYTES) {
    return fail({ problem: `soubor metadat je příliš velký (${bytes.byteLength} bajtů)`, expected: `nejvýše ${MAX_METADATA_BYTES / 1024} kB` });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return fail({ problem: 'soubor není v kódování UTF-8 (asi windows-1250 nebo ISO-8859-2)', expected: 'JSON v kódování UTF-8' });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return fail({ problem: `soubor není platný JSON (${syntaxWhere(text, msg)})`, expected: 'platný JSON podle RFC 8259, v kódování UTF-8' });
  }
  const dup = duplicateKey(text);
  if (dup !== null) return fail({ field: dup, problem: 'údaj je v jednom objektu uveden dvakrát', expected: 'každý údaj nejvýše jednou' });
  if (!validate(data)) return { ok: false, problems: fromAjv(file, data, validate.errors ?? []) };
  const d = data as Record<string, unknown> & { source: { system: string; documentId?: string }; attachments: { file: string; name?: string }[] };
  const { texts, problems } = cleanTexts(file, d);
  const instants: Record<'postAt' | 'removeAt', string | null> = { postAt: null, removeAt: null };
  for (const k of ['postAt', 'removeAt'] as const) {
    if (d[k] === undefined) continue;
    try {
      instants[k] = parseInstant(k === 'postAt' ? 'Datum vyvěšení' : 'Datum sejmutí', d[k]);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      problems.push({ file, field: `/${k}`, problem: e.message, expected: EXPECTED[`/${k}`] });
    }
  }
  if (texts.has('/title') && texts.get('/title')!.trim() === '') {
    problems.push({ file, field: '/title', problem: 'název oznámení obsahuje jen mezery', expected: EXPECTED['/title'] });
  }
  if (instants.postAt !== null && instants.removeAt !== null && Date.parse(instants.removeAt) <= Date.parse(instants.postAt)) {
    problems.push({ file, field: '/removeAt', problem: 'datum sejmutí není po datu vyvěšení', expected: 'removeAt později než postAt' });
  }
  const names = new Map<string, number>();
  d.attachments.forEach((a, i) => {
    const key = a.file.toLowerCase();
    const first = names.get(key);
    if (first !== undefined) problems.push({ file, field: `/attachments/${i}/file`, problem: `soubor „${a.file}“ je v seznamu příloh podruhé (poprvé jako ${first + 1}. příloha)`, expected: 'každý soubor v seznamu jednou' });
    else names.set(key, i);
  });
  if (problems.length > 0) return { ok: false, problems };
  const str = (field: string): string => texts.get(field) ?? '';
  return {
    ok: true,
    doc: {
      system: d.source.system,
      documentId: texts.get('/source/documentId') ?? null,
      referenceNumber: str('/referenceNumber'),
      fileMark: str('/fileMark'),
      title: str('/title').trim(),
      description: str('/description'),
      category: str('/category'),
      department: str('/department'),
      type: typeof d.type === 'string' ? d.type : null,
      personalData: (d as { personalData?: unknown }).personalData === true,
      postAt: instants.postAt,
      removeAt: instants.removeAt,
      attachments: d.attachments.map((a, i) => ({ file: a.file, name: texts.get(`/attachments/${i}/name`) ?? a.file })),
    },
  };
}
