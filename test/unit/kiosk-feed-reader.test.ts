import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpFeedReader } from '../../src-main/kiosk/feed-reader.ts';

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
