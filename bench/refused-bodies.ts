/**
 * The publisher's memory under the largest bodies it refuses: a real publisher in a child
 * process (so its figures are its own), fed over raw TCP with bodies produced lazily, and its
 * resident set read from /proc/PID/status (VmRSS now, VmHWM the peak) before and after each.
 * Returns a Markdown section; run alone with `node bench/refused-bodies.ts`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { lazyBytes, rawRequest } from '../test/helpers/raw-http.ts';

const MB = 1024 * 1024;

function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

function* multipart(boundary: string, files: number, fileBytes: number): Generator<Uint8Array | string> {
  yield `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{"title":"Měření"}\r\n`;
  for (let i = 0; i < files; i++) {
    yield `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="soubor-${i}.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`;
    yield* lazyBytes(Math.floor(fileBytes / 65536), 65536, 0x41);
    yield '\r\n';
  }
  yield `--${boundary}--\r\n`;
}

export async function refusedBodies(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'deska-bench-refused-'));
  const child = spawn(process.execPath, [resolve(import.meta.dirname, 'refused-bodies-publisher.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const first = await new Promise<string>((done) => createInterface({ input: child.stdout! }).once('line', done));
    const { url, token } = JSON.parse(first) as { url: string; token: string };
    const host = `Host: ${new URL(url).host}`;
    const upload = (chunked: boolean): string =>
      [`POST /api/v1/boards/demo/notices HTTP/1.1`, host, `Authorization: Bearer ${token}`, 'Content-Type: multipart/form-data; boundary=b', chunked ? 'Transfer-Encoding: chunked' : ''].filter(Boolean).join('\r\n');
    const cases: { what: string; run: () => ReturnType<typeof rawRequest> }[] = [
      {
        what: '200 MB JSON to POST /api/v1/session (Content-Length declared)',
        run: () => rawRequest(url, `POST /api/v1/session HTTP/1.1\r\n${host}\r\nContent-Type: application/json\r\nContent-Length: ${200 * MB}`, lazyBytes(3200, 65536)),
      },
      {
        what: '200 MB JSON to POST /api/v1/session (chunked, no length)',
        run: () => rawRequest(url, `POST /api/v1/session HTTP/1.1\r\n${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked`, lazyBytes(3200, 65536), { chunked: true }),
      },
      { what: '16 files of 24.9 MB in one upload (chunked)', run: () => rawRequest(url, upload(true), multipart('b', 16, 24.9 * MB), { chunked: true }) },
      { what: 'one 200 MB file in one upload (chunked)', run: () => rawRequest(url, upload(true), multipart('b', 1, 200 * MB), { chunked: true }) },
    ];
    const start = memory(child.pid!);
    const rows: string[] = [];
    for (const c of cases) {
      const before = memory(child.pid!);
      const t = Date.now();
      const r = await c.run();
      const after = memory(child.pid!);
      rows.push(
        `| ${c.what} | ${r.status} ${r.status >= 400 ? (JSON.parse(r.body) as { error: { code: string } }).error.code : ""} | ${(r.sent / MB).toFixed(1)} MB | ${Date.now() - t} ms | ${before.rss.toFixed(0)} MB | ${after.rss.toFixed(0)} MB | ${after.hwm.toFixed(0)} MB |`,
      );
    }
    return `## Refused bodies: publisher memory

A real publisher (default limits: sign-in 4 kB, JSON 64 kB, 25 MB per file, 100 MB per upload, 128 MB
for any request) in a child process; each body is produced lazily over raw TCP and stops when
the publisher answers. Memory from \`/proc/PID/status\` (VmRSS; VmHWM = peak since start, which was
${start.rss.toFixed(0)} MB RSS after start-up). "Sent" counts what the client had written, most of it
into socket buffers, when the answer came.

| body | answer | sent | time | RSS before | RSS after | peak (VmHWM) |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Command: \`node bench/refused-bodies.ts\` (or \`npm run bench\`).
`;
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) console.log(await refusedBodies());
