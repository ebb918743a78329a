/** The kiosk's reader of the feed's server-sent events, against a real HTTP server on loopback. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { EventStreamTooLong, readServerSentEvents, SSE_LIMITS } from '../../src-main/kiosk/feed-reader.ts';

/** A server whose /events answers with `prefix`, then `chunk` repeated until the client goes away; counts what it sent. */
async function endless(prefix: string, chunk: string): Promise<{ url: string; sent: () => number; server: Server }> {
  let sent = 0;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(prefix);
    const pump = (): void => {
      while (!res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`, sent: () => sent, server };
}

test('events are delivered; an endless line is cut off at the line limit with EventStreamTooLong, not buffered', async () => {
  const feed = await endless('event: snapshot\ndata: {"seq":7}\n\n: komentář\n\ndata: ', 'x'.repeat(16 * 1024));
  try {
    const events: [string, string][] = [];
    const res = await fetch(feed.url);
    await assert.rejects(
      readServerSentEvents(res.body as AsyncIterable<Uint8Array>, (e, d) => events.push([e, d])),
      (e: unknown) => e instanceof EventStreamTooLong && /delší než 65536 znaků/.test(e.message),
    );
    assert.deepEqual(events[0], ['snapshot', '{"seq":7}']);
    assert.ok(feed.sent() < 1024 * 1024 * 1024, 'the server was stopped long before a gigabyte');
  } finally {
    feed.server.closeAllConnections();
    feed.server.close();
  }
});

test("an event whose data lines add up past the event limit is cut off too", async () => {
  const line = `data: ${'y'.repeat(32 * 1024)}\n`;
  const feed = await endless('', line);
  try {
    const res = await fetch(feed.url);
    await assert.rejects(readServerSentEvents(res.body as AsyncIterable<Uint8Array>, () => undefined), (e: unknown) => e instanceof EventStreamTooLong && /data události/.test(e.message));
    assert.ok(SSE_LIMITS.eventChars < 1024 * 1024);
  } finally {
    feed.server.closeAllConnections();
    feed.server.close();
  }
});
