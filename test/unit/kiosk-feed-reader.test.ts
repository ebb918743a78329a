import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FEED_LIMITS, FeedUnreachable, httpFeedReader } from '../../src-main/kiosk/feed-reader.ts';

/**
 * A scripted fetch: the race (a snapshot published between the manifest and the signature
 * request) cannot be produced on demand with a real server, so the responses are given in order.
 */
function scripted(responses: Response[]): { fetch: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetch: (async (input: URL | RequestInfo) => {
      urls.push(String(input));
      const next = responses.shift();
      if (!next) throw new Error('no more responses');
      return next;
    }) as typeof fetch,
  };
}

const tagged = (body: string, etag: string): Response => new Response(body, { headers: { etag } });

test('a signature from a newer snapshot than the manifest makes the reader fetch both again', async () => {
  const s = scripted([tagged('{"v":1}', '"a"'), tagged('sig-of-b', '"b"'), tagged('{"v":2}', '"b"'), tagged('sig-of-b', '"b"')]);
  const got = await httpFeedReader('http://127.0.0.1:9/feed/demo/', s.fetch).manifest(null);
  assert.equal(got.notModified, false);
  if (got.notModified) return;
  assert.equal(new TextDecoder().decode(got.bytes), '{"v":2}');
  assert.equal(got.signature, 'sig-of-b');
  assert.equal(got.etag, '"b"');
  assert.equal(s.urls.length, 4);
});

test('matching tags are taken at once; a feed without tags is taken as it is', async () => {
  const same = scripted([tagged('{"v":1}', '"a"'), tagged('sig-a', '"a"')]);
  assert.equal((await httpFeedReader('http://127.0.0.1:9/f/', same.fetch).manifest(null)).notModified, false);
  assert.equal(same.urls.length, 2);
  const untagged = scripted([new Response('{"v":1}'), new Response('sig')]);
  assert.equal((await httpFeedReader('http://127.0.0.1:9/f/', untagged.fetch).manifest(null)).notModified, false);
  assert.equal(untagged.urls.length, 2);
});

/**
 * A real loopback server that never stops sending: without a limit the reader would buffer it
 * until the kiosk runs out of memory (and this test would never end).
 */
test('an endless manifest or file is cut off at its limit, not buffered whole', { timeout: 60_000 }, async () => {
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  let written = 0;
  const server = createServer((req, res) => {
    if (req.url!.includes('/files/')) {
      res.writeHead(200, { 'content-length': String(FEED_LIMITS.fileBytes + 1) });
      res.write(chunk);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk)) written += chunk.length;
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed/demo/`;
  try {
    const reader = httpFeedReader(base, fetch, { token: 'deska_x' });
    await assert.rejects(reader.manifest(null), (e: Error) => e instanceof FeedUnreachable && /větší než 64 MB, čtení zastaveno/.test(e.message));
    assert.ok(written < 4 * FEED_LIMITS.manifestBytes, `the server wrote ${written} bytes`);
    // A file whose declared length is over the limit is refused before its body is read.
    await assert.rejects(reader.file('0'.repeat(64)), (e: Error) => e instanceof FeedUnreachable && /větší než 256 MB/.test(e.message));
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
