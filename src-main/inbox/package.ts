/**
 * Reading an inbox package into a work folder: a folder (metadata JSON + PDFs) or the same as one
 * ZIP. The package itself is only read, never changed; its files are copied (folder) or
 * extracted (ZIP) into `workDir`, hashed on the way, with every limit enforced while the bytes
 * stream: size of each file and of all files, number of entries, and for ZIPs the declared sizes
 * and compression ratio too (zip bombs), file names that leave the package (path traversal),
 * symbolic links, encrypted entries and names given twice. Anything refused comes back as a
 * Problem naming the file; nothing here throws for bad input.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { Problem } from './metadata.ts';
import { MAX_METADATA_BYTES } from './metadata.ts';

export interface PackageLimits {
  /** Largest PDF, bytes (the API's upload limit). */
  maxFileBytes: number;
  /** All files of a package together, bytes (also the largest ZIP). */
  maxTotalBytes: number;
  /** Entries in a package (files and folders). */
  maxEntries: number;
  /** Largest ratio of a ZIP entry's size to its compressed size. */
  maxRatio: number;
}

export const DEFAULT_PACKAGE_LIMITS: PackageLimits = {
  maxFileBytes: 25 * 1024 * 1024,
  maxTotalBytes: 100 * 1024 * 1024,
  maxEntries: 60,
  maxRatio: 200,
};

export interface StagedFile {
  /** File name in the package (no folders). */
  name: string;
  /** The copy in the work folder. */
  path: string;
  size: number;
  sha256: string;
}

export interface ReadPackage {
  metadata: { name: string; bytes: Uint8Array } | null;
  /** Every other file, by lower-case name. */
  files: Map<string, StagedFile>;
}

/** Files operating systems leave in folders; never part of a package, ignored. */
const LITTER = new Set(['.ds_store', 'thumbs.db', 'desktop.ini']);

class Refused extends Error {
  readonly problem: Problem;
  constructor(p: Problem) {
    super(p.problem);
    this.problem = p;
  }
}

const mb = (n: number): string => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`.replace('.', ',');

/** Counts and hashes a stream; fails past `limit` bytes (this file) or past the package's total. */
function counter(name: string, limit: number, total: { bytes: number; max: number }): { t: Transform; result: () => { size: number; sha256: string } } {
  const hash = createHash('sha256');
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      total.bytes += chunk.length;
      if (size > limit) return done(new Refused({ file: name, problem: `soubor je větší než povolených ${mb(limit)}`, expected: `nejvýše ${mb(limit)}` }));
      if (total.bytes > total.max) return done(new Refused({ file: name, problem: `soubory balíčku mají dohromady víc než ${mb(total.max)}`, expected: `balíček nejvýše ${mb(total.max)}` }));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { t, result: () => ({ size, sha256: hash.digest('hex') }) };
}

interface Collector {
  metadata: { name: string; bytes: Uint8Array } | null;
  files: Map<string, StagedFile>;
  problems: Problem[];
  total: { bytes: number; max: number };
  index: number;
}

/** Takes one file of the package from `open()`; records a problem instead of throwing for bad input. */
async function take(c: Collector, name: string, workDir: string, limits: PackageLimits, open: () => Promise<Readable>): Promise<void> {
  const lower = name.toLowerCase();
  if (LITTER.has(lower)) return;
  if (c.files.has(lower) || c.metadata?.name.toLowerCase() === lower) {
    c.problems.push({ file: name, problem: 'soubor tohoto jména je v balíčku dvakrát (jména se porovnávají bez ohledu na velikost písmen)', expected: 'každé jméno souboru jednou' });
    return;
  }
  if (lower.endsWith('.json')) {
    if (c.metadata) {
      c.problems.push({ file: name, problem: `balíček má víc souborů .json (i „${c.metadata.name}“)`, expected: 'právě jeden soubor metadat .json' });
      return;
    }
    const { t } = counter(name, MAX_METADATA_BYTES, c.total);
    const chunks: Buffer[] = [];
    t.on('data', (b: Buffer) => chunks.push(b));
    await pipeline(await open(), t);
    c.metadata = { name, bytes: Buffer.concat(chunks) };
    return;
  }
  const path = join(workDir, `${c.index++}.part`);
  const { t, result } = counter(name, limits.maxFileBytes, c.total);
  await pipeline(await open(), t, createWriteStream(path));
  c.files.set(lower, { name, path, ...result() });
}

/** Turns a Refused (or an unexpected read error) into a problem; rethrows the rest. */
function asProblem(e: unknown, file: string): Problem {
  if (e instanceof Refused) return e.problem;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EACCES' || code === 'EROFS') throw e; // our storage, not the package
  const msg = e instanceof Error ? e.message : String(e);
  return { file, problem: `soubor nelze přečíst (${msg.slice(0, 200)})`, expected: 'úplný a nepoškozený soubor' };
}

/** Reads a package folder: files directly in it, no subfolders, no links. */
async function readFolder(dir: string, workDir: string, limits: PackageLimits, c: Collector): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  if (entries.length > limits.maxEntries) {
    c.problems.push({ file: basename(dir), problem: `balíček má ${entries.length} položek`, expected: `nejvýše ${limits.maxEntries} souborů` });
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, e.name);
    const st = await lstat(full);
    if (st.isSymbolicLink()) {
      c.problems.push({ file: e.name, problem: 'soubor je symbolický odkaz; odkazy se z bezpečnostních důvodů nenásledují', expected: 'skutečný soubor, ne odkaz' });
    } else if (st.isDirectory()) {
      c.problems.push({ file: e.name, problem: 'v balíčku je podsložka', expected: 'soubory přímo ve složce balíčku, bez podsložek' });
    } else if (!st.isFile()) {
      c.problems.push({ file: e.name, problem: 'položka není obyčejný soubor', expected: 'obyčejný soubor' });
    } else {
      try {
        await take(c, e.name, workDir, limits, async () => createReadStream(full));
      } catch (err) {
        c.problems.push(asProblem(err, e.name));
      }
    }
  }
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Reads a ZIP package: files at its root or in one top folder. */
async function readZip(file: string, workDir: string, limits: PackageLimits, c: Collector): Promise<void> {
  const zipName = basename(file);
  const st = await lstat(file);
  if (st.size > limits.maxTotalBytes) {
    c.problems.push({ file: zipName, problem: `ZIP má ${mb(st.size)}`, expected: `nejvýše ${mb(limits.maxTotalBytes)}` });
    return;
  }
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true, decodeStrings: true });
  } catch (e) {
    c.problems.push({ file: zipName, problem: `soubor není čitelný ZIP (${e instanceof Error ? e.message.slice(0, 200) : String(e)})`, expected: 'archiv ZIP' });
    return;
  }
  try {
    if (zip.entryCount > limits.maxEntries) {
      c.problems.push({ file: zipName, problem: `ZIP má ${zip.entryCount} položek`, expected: `nejvýše ${limits.maxEntries} souborů` });
      return;
    }
    const entries: yauzl.Entry[] = [];
    try {
      for await (const entry of zip.eachEntry()) entries.push(entry);
    } catch (e) {
      // yauzl refuses absolute names, "..", backslashes and broken central directories here.
      c.problems.push({ file: zipName, problem: `ZIP obsahuje neplatné jméno nebo je poškozený (${e instanceof Error ? e.message.slice(0, 200) : String(e)})`, expected: 'soubory s prostými jmény v kořeni archivu' });
      return;
    }
    const filesOnly = entries.filter((e) => !e.fileName.endsWith('/'));
    const tops = new Set(filesOnly.map((e) => (e.fileName.includes('/') ? e.fileName.split('/')[0]! : '')));
    const prefix = tops.size === 1 && !tops.has('') ? `${[...tops][0]}/` : '';
    for (const entry of filesOnly) {
      const name = entry.fileName.slice(prefix.length);
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (mode === S_IFLNK) {
        c.problems.push({ file: entry.fileName, problem: 'položka ZIPu je symbolický odkaz', expected: 'skutečný soubor, ne odkaz' });
      } else if (name.includes('/')) {
        c.problems.push({ file: entry.fileName, problem: 'soubor je v podsložce archivu', expected: 'soubory v kořeni archivu (nebo v jedné společné složce)' });
      } else if (entry.isEncrypted()) {
        c.problems.push({ file: entry.fileName, problem: 'položka ZIPu je zašifrovaná', expected: 'ZIP bez hesla' });
      } else if (entry.uncompressedSize > (name.toLowerCase().endsWith('.json') ? MAX_METADATA_BYTES : limits.maxFileBytes)) {
        c.problems.push({ file: entry.fileName, problem: `soubor má po rozbalení ${mb(entry.uncompressedSize)}`, expected: `nejvýše ${mb(limits.maxFileBytes)}` });
      } else if (entry.uncompressedSize > 1024 * 1024 && entry.uncompressedSize > limits.maxRatio * Math.max(1, entry.compressedSize)) {
        c.problems.push({ file: entry.fileName, problem: `podezřele vysoký kompresní poměr (${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))}:1; „zip bomba“?)`, expected: `poměr nejvýše ${limits.maxRatio}:1` });
      } else {
        try {
          await take(c, name, workDir, limits, () => zip.openReadStreamPromise(entry));
        } catch (err) {
          c.problems.push(asProblem(err, entry.fileName));
        }
      }
    }
  } finally {
    zip.close();
  }
}

/**
 * Reads a package (a folder or a .zip file) into `workDir`. Problems are everything wrong with
 * its files; the metadata itself is checked by the caller (metadata.ts).
 */
export async function readPackage(path: string, workDir: string, limits: PackageLimits = DEFAULT_PACKAGE_LIMITS): Promise<ReadPackage & { problems: Problem[] }> {
  await mkdir(workDir, { recursive: true });
  const c: Collector = { metadata: null, files: new Map(), problems: [], total: { bytes: 0, max: limits.maxTotalBytes }, index: 0 };
  const st = await lstat(path);
  if (st.isDirectory()) await readFolder(path, workDir, limits, c);
  else if (st.isFile() && path.toLowerCase().endsWith('.zip')) await readZip(path, workDir, limits, c);
  else c.problems.push({ file: basename(path), problem: 'neznámý druh balíčku', expected: 'složka se souborem .json a soubory PDF, nebo tentýž obsah jako jeden soubor .zip' });
  if (c.problems.length === 0 && !c.metadata) {
    c.problems.push({ file: basename(path), problem: 'v balíčku chybí soubor metadat .json', expected: 'právě jeden soubor .json podle docs/inbox-package.schema.json' });
  }
  return { metadata: c.metadata, files: c.files, problems: c.problems };
}
