/**
 * Request bodies read with a size limit enforced while they stream in: a declared
 * Content-Length over the limit is refused before a byte is read, and a body without one
 * (chunked) is counted as it arrives and reading stops at the first byte past the limit. Nothing
 * past the limit is ever buffered; the unread rest is discarded by the HTTP layer, which then
 * closes the connection.
 */
import { DomainError } from '../store/notices.ts';

/** Limits of the publisher's endpoints, bytes. Documented in publisher/openapi.json. */
export const BODY_LIMITS = {
  /** Unauthenticated sign-in: a user name and a password. */
  signIn: 4 * 1024,
  /** Small JSON requests (withdraw reason, token, board setting). */
  json: 64 * 1024,
  /** A kiosk's report: its sightings of every notice of the board. */
  kioskReport: 2 * 1024 * 1024,
} as const;

/** "2 MB", "0,5 MB", "4 kB": a limit as a clerk reads it. */
export function formatLimit(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} kB`;
  const mb = Math.round((bytes / (1024 * 1024)) * 10) / 10;
  return `${String(mb).replace('.', ',')} MB`;
}

export class BodyTooLarge extends DomainError {
  constructor(limit: number, what = 'Tělo požadavku') {
    super('payload_too_large', `${what} je větší než povolených ${formatLimit(limit)}. Zmenšete jej nebo rozdělte do více požadavků.`, 413);
  }
}

/** The declared length, or null when absent; a malformed header is a 400. */
export function declaredLength(req: Request): number | null {
  const h = req.headers.get('content-length');
  if (h === null) return null;
  if (!/^\d+$/.test(h.trim())) throw new DomainError('bad_request', 'Hlavička Content-Length není platné číslo.', 400);
  return Number(h.trim());
}

/** Throws BodyTooLarge when the declared Content-Length is over `limit`. */
export function checkDeclaredLength(req: Request, limit: number, what?: string): void {
  const n = declaredLength(req);
  if (n !== null && n > limit) throw new BodyTooLarge(limit, what);
}

/**
 * The body's chunks, counted as they arrive; throws BodyTooLarge at the first chunk past `limit`
 * (and stops reading there), and a 400 DomainError when the client breaks the upload off.
 */
export async function* limitedChunks(req: Request, limit: number, what?: string): AsyncGenerator<Uint8Array> {
  checkDeclaredLength(req, limit, what);
  if (req.body === null) return;
  const reader = req.body.getReader();
  let size = 0;
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        // A stall found by the server's guard (408) says so; anything else is a broken-off upload.
        if (e instanceof DomainError) throw e;
        throw new DomainError('aborted', 'Odesílání požadavku bylo přerušeno. Zkuste to prosím znovu.', 400);
      }
      if (r.done) return;
      size += r.value.byteLength;
      if (size > limit) throw new BodyTooLarge(limit, what);
      yield r.value;
    }
  } finally {
    // Stop reading; the HTTP layer discards whatever the client still sends.
    reader.releaseLock();
  }
}

/** The whole body, at most `limit` bytes. */
export async function readLimited(req: Request, limit: number, what?: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const c of limitedChunks(req, limit, what)) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Whether the body is declared as JSON (Content-Type application/json, any parameters). */
export function isJsonContentType(req: Request): boolean {
  return (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/**
 * A JSON object body of at most `limit` bytes. Requires Content-Type application/json (415
 * otherwise): a cross-site HTML form cannot send that type without a CORS preflight.
 */
export async function readJsonObject(req: Request, limit: number): Promise<Record<string, unknown>> {
  if (!isJsonContentType(req)) {
    throw new DomainError('unsupported_media_type', 'Požadavek musí mít Content-Type: application/json a tělo ve formátu JSON.', 415);
  }
  const bytes = await readLimited(req, limit);
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    body = undefined;
  }
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  throw new DomainError('bad_request', 'Tělo požadavku musí být objekt JSON.', 400);
}
