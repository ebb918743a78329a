/**
 * Checks publisher API responses against src-main/publisher/openapi.json (OpenAPI 3.1, i.e.
 * JSON Schema 2020-12, validated with Ajv's 2020 build) and records which documented
 * operations a test run exercised, so a test can demand that every one was.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import doc from '../../src-main/publisher/openapi.json' with { type: 'json' };

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface ResponseObject {
  content?: Record<string, { schema?: unknown }>;
}
interface Operation {
  responses: Record<string, ResponseObject>;
}

const DOC_ID = 'https://deska.invalid/openapi.json';
const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete'];

const ajv = new Ajv2020.default({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(doc, DOC_ID);

const paths = doc.paths as unknown as Record<string, Partial<Record<Method, Operation>>>;
const compiled = new Map<string, ValidateFunction>();
const exercised = new Set<string>();

/** "/notices/{id}" → "~1notices~1%7Bid%7D" (a JSON pointer segment inside a URI fragment). */
function pointerSegment(s: string): string {
  return encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));
}

/** Every documented operation as "METHOD /path". */
export function documentedOperations(): string[] {
  return Object.entries(paths).flatMap(([p, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${p}`));
}

/** Operations not yet checked by checkResponse in this process. */
export function unexercisedOperations(): string[] {
  return documentedOperations().filter((op) => !exercised.has(op));
}

/**
 * Asserts that `status` is documented for the operation and, for a JSON response, that `body`
 * matches its schema; for other media types, that the content type is documented. Throws with
 * Ajv's errors otherwise.
 */
export function checkResponse(method: string, pathTemplate: string, status: number, contentType: string | null, body?: unknown): void {
  const m = method.toLowerCase() as Method;
  const op = paths[pathTemplate]?.[m];
  if (!op) throw new Error(`not documented: ${method} ${pathTemplate}`);
  const res = op.responses[String(status)];
  if (!res) throw new Error(`status ${status} not documented for ${method} ${pathTemplate}`);
  exercised.add(`${m.toUpperCase()} ${pathTemplate}`);
  const media = (contentType ?? '').split(';')[0]!.trim();
  if (!res.content) {
    if (media !== '' && body !== undefined && body !== '') throw new Error(`${method} ${pathTemplate} ${status}: documented without a body, got ${media}`);
    return;
  }
  if (!res.content[media]) throw new Error(`${method} ${pathTemplate} ${status}: content type ${media} not documented (${Object.keys(res.content).join(', ')})`);
  if (media !== 'application/json') return;
  const key = `${m} ${pathTemplate} ${status}`;
  let validate = compiled.get(key);
  if (!validate) {
    const pointer = ['paths', pathTemplate, m, 'responses', String(status), 'content', 'application/json', 'schema'].map(pointerSegment).join('/');
    validate = ajv.compile({ $ref: `${DOC_ID}#/${pointer}` });
    compiled.set(key, validate);
  }
  if (!validate(body)) {
    throw new Error(`${method} ${pathTemplate} ${status}: response does not match the OpenAPI document:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(body).slice(0, 500)}`);
  }
}
