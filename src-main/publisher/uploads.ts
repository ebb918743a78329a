/**
 * Multipart uploads for the publisher API: a JSON `metadata` part plus PDF file parts. Files are
 * streamed through busboy with a per-file size limit and checked by their CONTENT (magic bytes,
 * then pdf-lib must load them; encrypted PDFs are refused), never by name or declared type.
 * Nothing is stored here: the caller stores the accepted files only once every part passed, so a
 * refused upload leaves nothing half-created.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import { PDFDocument } from 'pdf-lib';
import { DomainError } from '../store/notices.ts';

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export interface MultipartBody {
  /** The `metadata` part, parsed as JSON; undefined when the part is missing. */
  metadata: unknown;
  files: UploadedFile[];
}

const MAX_FILES = 50;
const MAX_METADATA_BYTES = 256 * 1024;

/** "2 MB", "0,5 MB": the limit as a clerk reads it. */
export function formatMegabytes(bytes: number): string {
  const mb = Math.round((bytes / (1024 * 1024)) * 10) / 10;
  return `${String(mb).replace('.', ',')} MB`;
}

/** A file name safe to show and to put in a header: no path, no control characters. */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  return clean === '' ? 'dokument.pdf' : clean;
}

/** Parses a multipart/form-data request body with limits; throws DomainError on any refusal. */
export async function readMultipart(req: Request, maxFileBytes: number): Promise<MultipartBody> {
  const contentType = req.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType) || req.body === null) {
    throw new DomainError('unsupported_media_type', 'Požadavek musí být typu multipart/form-data (část „metadata“ a soubory „files“).', 415);
  }
  const parts = await collectParts(req, contentType, maxFileBytes);
  let metadata: unknown;
  if (parts.metadata !== undefined) {
    try {
      metadata = JSON.parse(parts.metadata);
    } catch {
      throw new DomainError('bad_metadata', 'Část „metadata“ není platný JSON.', 400);
    }
  }
  for (const f of parts.files) await checkPdf(f);
  return { metadata, files: parts.files };
}

function collectParts(req: Request, contentType: string, maxFileBytes: number): Promise<{ metadata: string | undefined; files: UploadedFile[] }> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: { 'content-type': contentType },
        defParamCharset: 'utf8',
        limits: { fileSize: maxFileBytes, files: MAX_FILES, fields: 20, fieldSize: MAX_METADATA_BYTES },
      });
    } catch {
      reject(new DomainError('bad_multipart', 'Tělo požadavku není platný multipart/form-data.', 400));
      return;
    }
    const files: UploadedFile[] = [];
    let metadata: string | undefined;
    let failure: DomainError | null = null;
    const fail = (e: DomainError): void => {
      failure ??= e;
    };

    bb.on('field', (name, value, info) => {
      if (name !== 'metadata') return;
      if (info.valueTruncated) fail(new DomainError('metadata_too_large', 'Část „metadata“ je příliš velká.', 413));
      metadata = value;
    });
    bb.on('file', (field, stream, info) => {
      const name = cleanFileName(info.filename);
      if (field === 'metadata') {
        // Clients may send the JSON part with a filename and a content type; read it as text.
        readMetadataFile(stream).then((text) => (metadata = text), fail);
        return;
      }
      if (field !== 'files') {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        // After a failure the rest is drained, never buffered.
        if (failure) return;
        size += chunk.length;
        chunks.push(chunk);
      });
      stream.on('limit', () => {
        chunks.length = 0;
        fail(new DomainError('file_too_large', `Soubor „${name}“ je větší než povolených ${formatMegabytes(maxFileBytes)}.`, 413));
      });
      stream.on('end', () => {
        if (!failure && !stream.truncated) files.push({ name, bytes: new Uint8Array(Buffer.concat(chunks, size)) });
      });
    });
    bb.on('filesLimit', () => fail(new DomainError('too_many_files', `Najednou lze nahrát nejvýše ${MAX_FILES} souborů.`, 413)));
    bb.on('error', () => fail(new DomainError('bad_multipart', 'Tělo požadavku není platný multipart/form-data.', 400)));
    bb.on('close', () => (failure ? reject(failure) : resolve({ metadata, files })));

    const body = Readable.fromWeb(req.body as unknown as NodeReadableStream<Uint8Array>);
    body.on('error', () => {
      fail(new DomainError('bad_multipart', 'Nahrávání bylo přerušeno.', 400));
      reject(failure);
    });
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
    stream.on('end', () =>
      size > MAX_METADATA_BYTES
        ? reject(new DomainError('metadata_too_large', 'Část „metadata“ je příliš velká.', 413))
        : resolve(Buffer.concat(chunks).toString('utf8')),
    );
  });
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

/** Throws 415 unless the bytes are a readable, unencrypted PDF. */
export async function checkPdf(file: UploadedFile): Promise<void> {
  const notPdf = (): DomainError =>
    new DomainError('not_pdf', `Soubor „${file.name}“ není dokument PDF. Nahrajte prosím soubor ve formátu PDF.`, 415);
  if (file.bytes.length < PDF_MAGIC.length || PDF_MAGIC.some((b, i) => file.bytes[i] !== b)) throw notPdf();
  let doc: PDFDocument;
  try {
    // Load even when encrypted, then refuse by the flag: pdf-lib's EncryptedPDFError is not
    // reliably an `instanceof` target (ES5-compiled subclass of Error).
    doc = await PDFDocument.load(file.bytes, { updateMetadata: false, ignoreEncryption: true });
  } catch {
    throw notPdf();
  }
  if (doc.isEncrypted) {
    throw new DomainError('encrypted_pdf', `Soubor „${file.name}“ je zašifrovaný nebo chráněný heslem. Nahrajte PDF bez ochrany.`, 415);
  }
  let pages = 0;
  try {
    // pdf-lib parses leniently; a file without a page tree is not a document.
    pages = doc.getPageCount();
  } catch {
    pages = 0;
  }
  if (pages === 0) throw notPdf();
}
