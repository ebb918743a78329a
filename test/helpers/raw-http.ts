/**
 * HTTP/1.1 spoken by hand over a TCP socket, for requests fetch() will not send: a body cut off
 * inside a multipart part, a 200 MB body produced lazily, a Content-Length that lies.
 */
import { connect, type Socket } from 'node:net';

export interface RawReply {
  /** 0 when the server closed the connection without answering. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Body bytes the client had written when the answer (or the close) arrived. */
  sent: number;
}

function parse(raw: string): Pick<RawReply, 'status' | 'headers' | 'body'> {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '' };
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = raw.slice(end + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    let out = '';
    for (let rest = body; ; ) {
      const nl = rest.indexOf('\r\n');
      const size = parseInt(rest.slice(0, nl), 16);
      if (!(size > 0)) break;
      out += rest.slice(nl + 2, nl + 2 + size);
      rest = rest.slice(nl + 2 + size + 2);
    }
    body = out;
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: Buffer.from(body, 'latin1').toString('utf8') };
}

/**
 * Sends `head` (request line and headers, without the blank line), then the body produced by
 * `chunks` lazily (respecting back-pressure), and stops producing as soon as the server answers
 * or closes. `chunked` frames the body with Transfer-Encoding: chunked (add the header yourself);
 * `finish` ends the request's body (chunked: the last-chunk marker) after the last chunk;
 * `hangUp` closes the client's side after the last chunk (a client that gives up mid-body).
 */
export function rawRequest(origin: string, head: string, chunks: Iterable<Uint8Array | string>, o: { chunked?: boolean; finish?: boolean; hangUp?: boolean } = {}): Promise<RawReply> {
  const url = new URL(origin);
  return new Promise((resolve) => {
    const socket: Socket = connect(Number(url.port), url.hostname);
    let received = '';
    let sent = 0;
    let answered = false;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ ...parse(received), sent });
    };
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      received += d;
      answered = true;
      const p = parse(received);
      const len = Number(p.headers['content-length'] ?? NaN);
      if (p.status > 0 && ((!Number.isNaN(len) && Buffer.byteLength(p.body, 'latin1') >= len) || received.endsWith('0\r\n\r\n'))) finish();
    });
    socket.on('error', () => setTimeout(finish, 50));
    socket.on('close', finish);
    socket.on('connect', () => {
      socket.write(`${head}\r\n\r\n`);
      const it = chunks[Symbol.iterator]();
      const pump = (): void => {
        while (!answered && !done) {
          const n = it.next();
          if (n.done) {
            if (o.finish !== false && o.chunked) socket.write('0\r\n\r\n');
            if (o.hangUp) socket.end();
            return;
          }
          const c = typeof n.value === 'string' ? Buffer.from(n.value, 'latin1') : n.value;
          sent += c.byteLength;
          const ok = o.chunked ? socket.write(Buffer.concat([Buffer.from(`${c.byteLength.toString(16)}\r\n`), c, Buffer.from('\r\n')])) : socket.write(c);
          if (!ok) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  });
}

/** `count` chunks of `size` bytes of `fill`, made one at a time. */
export function* lazyBytes(count: number, size: number, fill = 0x20): Generator<Uint8Array> {
  const chunk = new Uint8Array(size).fill(fill);
  for (let i = 0; i < count; i++) yield chunk;
}
