/**
 * `node bench/inbox.ts`: inbox import rate — packages per second, each a ZIP or a folder with
 * its metadata and one PDF, imported from the watched folder by a real publisher (store, PDF
 * check in a worker thread, commit with its publication job, moves to processed/). Writes (or
 * replaces) its section in BENCHMARKS.md; `npm run bench` runs it at the end.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { initData } from '../src-main/publisher/init.ts';
import { startPublisher } from '../src-main/publisher/server.ts';
import { inboxPath } from '../src-main/inbox/folder.ts';
import { metadata, pdf, writeFolderPackage, writeZipPackage } from '../test/helpers/inbox-packages.ts';
import { tempDir } from '../test/helpers/tmp.ts';

const N = Number(process.env.BENCH_INBOX_PACKAGES ?? 200);
const HEADING = '## Inbox import rate';

/** Imports N ZIPs and N folders; returns the Markdown section. */
export async function inboxImportRate(): Promise<string> {
  using dir = tempDir('deska-bench-inbox-');
  await initData({ dataDir: dir.path, adminPassword: 'bench-heslo' });
  const pub = await startPublisher({ dataDir: dir.path, sweep: false, inbox: { watch: false } });
  const rows: string[] = [];
  try {
    const box = inboxPath(dir.path, 'demo');
    const bytes = await pdf('Benchmark');
    for (const kind of ['zip', 'folder'] as const) {
      for (let i = 0; i < N; i++) {
        const id = `${kind}-${i}`;
        if (kind === 'zip') writeZipPackage(box, id, metadata(id), { 'dokument.pdf': bytes });
        else writeFolderPackage(box, id, metadata(id), { 'dokument.pdf': bytes });
      }
      const t = performance.now();
      const out = await pub.inbox!.scanNow();
      const s = (performance.now() - t) / 1000;
      const imported = out.filter((o) => o.result === 'imported').length;
      if (imported !== N) throw new Error(`imported ${imported} of ${N}`);
      rows.push(`| ${kind === 'zip' ? 'ZIP' : 'folder'} package, metadata + one PDF (${bytes.byteLength} B) | ${N} | ${s.toFixed(1)} s | ${(N / s).toFixed(1)} | ${Math.round((s * 1000) / N)} ms |`);
    }
  } finally {
    await pub.stop();
  }
  return `${HEADING}

One scan of a board's inbox folder holding N ready packages (each with its ready marker), imported
one after another: read and limits (ZIP streamed), schema check, PDF check in a worker thread, one
commit with its publication job, the package moved to processed/ with its receipt. The snapshot
and mirror builds the commits trigger run meanwhile on the same 2 cores.

| package | n | total | packages/s | per package |
| --- | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Command: \`BENCH_INBOX_PACKAGES=${N} node bench/inbox.ts\` (or \`npm run bench\`).
`;
}

/** Writes the section into BENCHMARKS.md, replacing an earlier one. */
export async function writeInboxSection(): Promise<void> {
  const file = resolve(import.meta.dirname, '..', 'BENCHMARKS.md');
  const section = await inboxImportRate();
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = old.indexOf(HEADING);
  let next = start < 0 ? -1 : old.indexOf('\n## ', start + HEADING.length);
  if (start >= 0 && next < 0) next = old.length;
  const text = start < 0 ? `${old.trimEnd()}\n\n${section}` : `${old.slice(0, start)}${section}${old.slice(next).replace(/^\n+/, '\n')}`;
  writeFileSync(file, text);
  console.log(section);
}

if (import.meta.main) await writeInboxSection();
