/**
 * Multipart uploads for the publisher API: a JSON `metadata` part plus PDF file parts. The body
 * streams through busboy straight into temporary files under DATA/tmp/<request>/, never into
 * memory, with a per-file limit and a total limit per request (counted on the raw body, so
 * metadata and part headers count too). Files are checked by their CONTENT (magic bytes, then
 * pdf-lib must load them; encrypted PDFs are refused), never by name or declared type, in a
 * worker thread so that a large or hostile PDF never blocks the schedule.
 *
 * All uploads together hold at most a set number of bytes in DATA/tmp (setTmpLimit); past it a
 * request is refused with 507 and its file removed.
 *
 * Nothing is stored here: the caller moves the accepted files into the blob store only once the
 * whole request passed, then calls `discard()`, which removes the request's temporary folder.
 * Any refusal removes it before the error is thrown, so a refused request leaves no file behind.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { PDFDocument } from 'pdf-lib';
import { DomainError } from '../store/notices.ts';
import { BodyTooLarge, limitedChunks } from '../http/body.ts';
import { requestWorkers, runInWorker } from '../workers/run.ts';

/** A file of the request, streamed to a temporary file. */
export interface UploadedFile {
  name: string;
  /** The temporary file (inside the request's folder under DATA/tmp). */
  path: string;
  size: number;
  sha256: string;
}

export interface MultipartBody {
  /** The `metadata` part, parsed as JSON; undefined when the part is missing. */
  metadata: unknown;
  files: UploadedFile[];
  /** Removes the request's temporary files; call once the accepted files were stored (or not). */
  discard(): Promise<void>;
}

export interface UploadLimits {
  /** Largest file, bytes. */
  maxFileBytes: number;
  /** Largest request body in all, bytes. */
  maxTotalBytes: number;
  /** Where the request's temporary folder is created (DATA/tmp). */
  tmpDir: string;
}

const MAX_FILES = 50;
const MAX_METADATA_BYTES = 256 * 1024;

/** The total per request for a per-file limit: four files of the largest size, plus the metadata. */
export function totalLimitFor(maxFileBytes: number): number {
  return 4 * maxFileBytes + MAX_METADATA_BYTES + 64 * 1024;
}

/** "2 MB", "0,5 MB": the limit as a clerk reads it. */
export function formatMegabytes(bytes: number): string {
  const mb = Math.round((bytes / (1024 * 1024)) * 10) / 10;
  return `${String(mb).replace('.', ',')} MB`;
}

/** A file name safe to show and to put in a header: no path, no control characters. */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029"\ufffe\uffff]/g, '').trim().slice(0, 200);
  return clean === '' ? 'dokument.pdf' : clean;
}

/**
 * What the uploads being read hold in a DATA/tmp folder, and the most they may hold together:
 * without a cap, many slow uploads at once (each within its own limit) could fill the disk
 * the store and the mirror need. Counted as the bytes are written, released by `discard()`.
 */
interface TmpBudget {
  used: number;
  max: number;
}
const tmpBudgets = new Map<string, TmpBudget>();

/** Sets the most all uploads in `tmpDir` may hold at once (default: three requests of the largest size). */
export function setTmpLimit(tmpDir: string, maxBytes: number): void {
  const b = tmpBudgets.get(tmpDir);
  if (b) b.max = maxBytes;
  else tmpBudgets.set(tmpDir, { used: 0, max: maxBytes });
}

function budgetOf(limits: UploadLimits): TmpBudget {
  let b = tmpBudgets.get(limits.tmpDir);
  if (!b) tmpBudgets.set(limits.tmpDir, (b = { used: 0, max: 3 * limits.maxTotalBytes }));
  return b;
}

const tmpFull = (): DomainError =>
  new DomainError(
    'uploads_busy',
    'Server právě přijímá mnoho jiných souborů a dočasné místo pro nahrávání je plné. Oznámení nebylo uloženo ani změněno. Zkuste to prosím za několik minut znovu.',
    507,
  );

/** Removes what earlier runs left in DATA/tmp (a crash mid-upload); called at start. */
export function clearTmp(tmpDir: string): void {
  mkdirSync(tmpDir, { recursive: true });
  for (const e of readdirSync(tmpDir)) rmSync(join(tmpDir, e), { recursive: true, force: true });
}

const badMultipart = (): DomainError => new DomainError('bad_multipart', 'Tělo požadavku není platný multipart/form-data, nebo bylo useknuto. Zkuste to prosím znovu.', 400);

/** An error of the file system (it has an errno code such as ENOSPC, EACCES, EROFS, ENOTDIR). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === 'string' && typeof (e as NodeJS.ErrnoException).code === 'string';
}

/**
 * The server's own storage failed (full disk, a folder that is not writable or not a folder):
 * 503 with what the clerk and the operator should do, never a "bad request" or an unexplained
 * 500. The technical detail goes to the log. `folder` names the folder in the data directory.
 */
export function storageRefusal(e: NodeJS.ErrnoException, folder: 'tmp' | 'blobs'): DomainError {
  console.error(`publisher uploads: DATA/${folder} cannot be written (${e.message})`);
  const why = e.code === 'ENOSPC' || e.code === 'EDQUOT' ? 'na disku serveru není místo' : `složku dat „${folder}“ nelze zapsat (${e.code})`;
  return new DomainError(
    'storage_unavailable',
    `Soubory nelze uložit: ${why}. Oznámení nebylo uloženo ani změněno. Požádejte správce serveru o uvolnění místa nebo opravu složky dat a pak to zkuste znovu.`,
    503,
  );
}

/** Parses a multipart/form-data request body with limits; throws DomainError on any refusal. */
export async function readMultipart(req: Request, limits: UploadLimits): Promise<MultipartBody> {
  const contentType = req.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType) || req.body === null) {
    throw new DomainError('unsupported_media_type', 'Požadavek musí být typu multipart/form-data (část „metadata“ a soubory „files“).', 415);
  }
  const dir = join(limits.tmpDir, randomUUID());
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw isFsError(e) ? storageRefusal(e, 'tmp') : e;
  }
  const budget = budgetOf(limits);
  let held = 0;
  const take = (n: number): boolean => {
    if (budget.used + n > budget.max) return false;
    budget.used += n;
    held += n;
    return true;
  };
  const discard = async (): Promise<void> => {
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    budget.used -= held;
    held = 0;
  };
  try {
    const parts = await collectParts(req, contentType, limits, dir, take);
    let metadata: unknown;
    if (parts.metadata !== undefined) {
      try {
        metadata = JSON.parse(parts.metadata);
      } catch {
        throw new DomainError('bad_metadata', 'Část „metadata“ není platný JSON.', 400);
      }
    }
    if (parts.files.length > 0) {
      const refusal = await requestWorkers.run(() =>
        runInWorker<PdfRefusal | null>(new URL(import.meta.url), 'checkPdfFiles', [parts.files.map((f) => ({ name: f.name, path: f.path }))], { timeoutMs: 120_000 }),
      );
      if (refusal) throw new DomainError(refusal.code, refusal.message, 415);
    }
    return { metadata, files: parts.files, discard };
  } catch (e) {
    await discard();
    throw e;
  }
}

function collectParts(req: Request, contentType: string, limits: UploadLimits, dir: string, take: (bytes: number) => boolean): Promise<{ metadata: string | undefined; files: UploadedFile[] }> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: { 'content-type': contentType },
        defParamCharset: 'utf8',
        limits: { fileSize: limits.maxFileBytes, files: MAX_FILES, fields: 20, fieldSize: MAX_METADATA_BYTES },
      });
    } catch {
      reject(badMultipart());
      return;
    }
    const files: UploadedFile[] = [];
    /** Every stream of the request's parts, destroyed on a refusal. */
    const destroyables: { destroy(): unknown }[] = [];
    let partCount = 0;
    const writes: Promise<unknown>[] = [];
    let metadata: string | undefined;
    let failure: DomainError | null = null;
    const body = Readable.from(limitedChunks(req, limits.maxTotalBytes, 'Požadavek se všemi soubory'), { objectMode: false });

    /**
     * The first refusal wins: stop reading and destroy every part's stream. The caller then
     * removes the request's folder; a file stream still opening fails then (its folder is gone).
     */
    const fail = (e: DomainError): void => {
      if (failure) return;
      failure = e;
      body.unpipe(bb);
      body.destroy();
      bb.destroy();
      for (const s of destroyables) s.destroy();
      reject(e);
    };

    let metadataParts = 0;
    /** One metadata part only: with two, which one counts would be a guess. */
    const oneMetadata = (): boolean => {
      if (++metadataParts === 1) return true;
      fail(new DomainError('duplicate_metadata', 'Požadavek obsahuje část „metadata“ vícekrát. Pošlete údaje oznámení v jediné části „metadata“.', 400));
      return false;
    };
    bb.on('field', (name, value, info) => {
      if (name !== 'metadata' || !oneMetadata()) return;
      if (info.valueTruncated) fail(new DomainError('metadata_too_large', 'Část „metadata“ je příliš velká.', 413));
      metadata = value;
    });
    bb.on('file', (field, stream, info) => {
      // Every stream gets an error listener: a body that ends inside a part errors it.
      stream.on('error', () => fail(badMultipart()));
      destroyables.push(stream);
      const name = cleanFileName(info.filename);
      if (field === 'metadata') {
        if (!oneMetadata()) return;
        // Clients may send the JSON part with a filename and a content type; read it as text.
        writes.push(readMetadataFile(stream).then((text) => (metadata = text), fail));
        return;
      }
      if (field !== 'files' || failure) {
        stream.resume();
        return;
      }
      const index = partCount++;
      const path = join(dir, `${index}.part`);
      const hash = createHash('sha256');
      let size = 0;
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          if (!take(chunk.length)) {
            fail(tmpFull());
            done();
            return;
          }
          size += chunk.length;
          hash.update(chunk);
          done(null, chunk);
        },
      });
      stream.on('limit', () =>
        fail(new DomainError('file_too_large', `Soubor „${name}“ je větší než povolených ${formatMegabytes(limits.maxFileBytes)}.`, 413)),
      );
      const out = createWriteStream(path);
      destroyables.push(count, out);
      writes.push(
        pipeline(stream, count, out).then(
          () => {
            if (!failure && !stream.truncated) files[index] = { name, path, size, sha256: hash.digest('hex') };
          },
          // The temporary file could not be written (full disk …), or the part broke off.
          (e: unknown) => fail(isFsError(e) ? storageRefusal(e, 'tmp') : badMultipart()),
        ),
      );
    });
    bb.on('filesLimit', () => fail(new DomainError('too_many_files', `Najednou lze nahrát nejvýše ${MAX_FILES} souborů.`, 413)));
    bb.on('error', () => fail(badMultipart()));
    bb.on('close', () => {
      if (failure) return;
      void Promise.allSettled(writes).then(() => (failure ? reject(failure) : resolve({ metadata, files: files.filter(Boolean) })));
    });
    body.on('error', (e) => fail(e instanceof BodyTooLarge || e instanceof DomainError ? e : badMultipart()));
    body.pipe(bb);
  });
}

function readMetadataFile(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_METADATA_BYTES) chunks.push(chunk);
    });
    stream.on('error', () => reject(badMultipart()));
    stream.on('close', () => reject(badMultipart())); // destroyed before its end: no effect after resolve
    stream.on('end', () =>
      size > MAX_METADATA_BYTES
        ? reject(new DomainError('metadata_too_large', 'Část „metadata“ je příliš velká.', 413))
        : resolve(Buffer.concat(chunks).toString('utf8')),
    );
  });
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

/** Why a file is not an acceptable PDF (travels back from the worker as plain data). */
export interface PdfRefusal {
  code: 'not_pdf' | 'encrypted_pdf';
  message: string;
}

/** Worker entry (runInWorker): the first refusal among the files, or null when all are PDFs. */
export async function checkPdfFiles(files: { name: string; path: string }[]): Promise<PdfRefusal | null> {
  for (const f of files) {
    const refusal = await checkPdf(f.name, await readFile(f.path));
    if (refusal) return refusal;
  }
  return null;
}

/** Null for a readable, unencrypted PDF with pages; otherwise why not. */
export async function checkPdf(name: string, bytes: Uint8Array): Promise<PdfRefusal | null> {
  const notPdf: PdfRefusal = { code: 'not_pdf', message: `Soubor „${name}“ není dokument PDF. Nahrajte prosím soubor ve formátu PDF.` };
  if (bytes.length < PDF_MAGIC.length || PDF_MAGIC.some((b, i) => bytes[i] !== b)) return notPdf;
  let doc: PDFDocument;
  try {
    // Load even when encrypted, then refuse by the flag: pdf-lib's EncryptedPDFError is not
    // reliably an `instanceof` target (ES5-compiled subclass of Error).
    doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true });
  } catch {
    return notPdf;
  }
  if (doc.isEncrypted) return { code: 'encrypted_pdf', message: `Soubor „${name}“ je zašifrovaný nebo chráněný heslem. Nahrajte PDF bez ochrany.` };
  let pages = 0;
  try {
    // pdf-lib parses leniently; a file without a page tree is not a document.
    pages = doc.getPageCount();
  } catch {
    pages = 0;
  }
  return pages === 0 ? notPdf : null;
}

