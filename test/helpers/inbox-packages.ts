/**
 * Inbox packages for tests and the benchmark: folders and ZIPs as a document-management system
 * would drop them, and hostile ones. The ZIP writer is ours (no ZIP writer is installed): it
 * can also write what no honest tool writes (names with "..", symlink entries, sizes that lie).
 */
import { deflateRawSync, crc32 } from 'node:zlib';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
  /** Unix mode for the external attributes (0o120777 makes a symlink). */
  mode?: number;
  /** Claim this uncompressed size in the headers instead of the real one. */
  declaredSize?: number;
}

/** A ZIP archive (UTF-8 names, Unix attributes). */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.deflate ? deflateRawSync(e.data) : Buffer.from(e.data);
    const crc = crc32(e.data);
    const size = e.declaredSize ?? e.data.byteLength;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x5b21, 12); // 2025-09-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.byteLength, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.byteLength, 26);
    local.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE((3 << 8) | 20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(e.deflate ? 8 : 0, 10);
    cd.writeUInt16LE(0, 12);
    cd.writeUInt16LE(0x5b21, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.byteLength, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.byteLength, 28);
    cd.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    cd.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    central.push(cd, name);
    offset += local.byteLength + name.byteLength + body.byteLength;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBuf.byteLength, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBuf, end]);
}

/** A small real PDF with one page of text. */
export async function pdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText(text, { x: 50, y: 780, size: 14, font });
  return doc.save({ useObjectStreams: false });
}

/** Valid metadata for document `id` with one attachment "dokument.pdf". */
export function metadata(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    source: { system: 'ginis', documentId: id },
    referenceNumber: `MUHL/${id}/2026`,
    fileMark: 'SZ MUHL/1/2026',
    title: `Veřejná vyhláška ${id}`,
    description: 'Oznámení o zahájení řízení.\nDruhý řádek.',
    category: 'Veřejná vyhláška',
    department: 'Stavební úřad',
    postAt: '2026-12-01T08:00:00+01:00',
    removeAt: '2026-12-17T08:00:00+01:00',
    attachments: [{ file: 'dokument.pdf', name: 'Veřejná vyhláška.pdf' }],
    ...over,
  };
}

/** Writes a folder package `name` with metadata.json and the files; `ready` adds the marker. */
export function writeFolderPackage(inbox: string, name: string, meta: unknown, files: Record<string, Uint8Array>, ready = true): string {
  const dir = join(inbox, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'metadata.json'), typeof meta === 'string' ? meta : JSON.stringify(meta, null, 2));
  for (const [f, b] of Object.entries(files)) writeFileSync(join(dir, f), b);
  if (ready) writeFileSync(join(inbox, `${name}.ready`), '');
  return dir;
}

/** Writes `name`.zip with metadata.json and the files; `ready` adds the marker. */
export function writeZipPackage(inbox: string, name: string, meta: unknown, files: Record<string, Uint8Array>, ready = true): string {
  const path = join(inbox, `${name}.zip`);
  const entries: ZipEntry[] = [
    { name: 'metadata.json', data: Buffer.from(typeof meta === 'string' ? meta : JSON.stringify(meta)), deflate: true },
    ...Object.entries(files).map(([n, data]) => ({ name: n, data, deflate: true })),
  ];
  writeFileSync(path, zip(entries));
  if (ready) writeFileSync(join(inbox, `${name}.zip.ready`), '');
  return path;
}

/** Every regular file under `dir` (recursively), as relative paths: to count that nothing is lost. */
export function filesUnder(dir: string, base = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, base), { withFileTypes: true })) {
    const rel = base === '' ? e.name : `${base}/${e.name}`;
    if (e.isDirectory()) out.push(...filesUnder(dir, rel));
    else out.push(rel);
  }
  return out;
}

/** Total bytes of the files under `dir`. */
export function bytesUnder(dir: string): number {
  return filesUnder(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
}
