/**
 * Sends one HTTP/2 request that may be malformed and records the server's
 * reaction: a response, a reset stream, or a closed session. The same probe
 * runs against nginx and the proxy, so their answers can be compared.
 */

import type { ClientHttp2Session, OutgoingHttpHeaders } from 'node:http2';

import { openSession } from './h2.js';

export type Answer =
  | { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; body: string }
  /** The stream was reset with this HTTP/2 error code; `status` is set when a response header came first. */
  | { kind: 'reset'; code: number; status?: number }
  /** The session ended (GOAWAY or a closed connection) before an answer. */
  | { kind: 'session-closed'; code?: number }
  | { kind: 'no-answer' };

const probeTimeoutMs = 10_000;

/** Opens an h2c session with prior knowledge that accepts large header lists; later session errors are recorded by the probes, not thrown. */
export async function openProbeSession(port: number): Promise<ClientHttp2Session> {
  const session = await openSession(`http://127.0.0.1:${port}`, undefined, { settings: { maxHeaderListSize: 1 << 20 } });
  session.on('error', () => undefined);
  return session;
}

/** Sends one request and waits for its answer. */
export function probe(session: ClientHttp2Session, headers: OutgoingHttpHeaders, timeoutMs = probeTimeoutMs): Promise<Answer> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const timer = setTimeout(() => settle({ kind: 'no-answer' }), timeoutMs);

    let stream;
    try {
      stream = session.request({ ':method': 'GET', ':authority': 'shop.example.com', ':scheme': 'http', ...headers });
    } catch {
      settle({ kind: 'session-closed' });
      return;
    }
    let status: number | undefined;
    let responseHeaders: Record<string, string | string[] | undefined> = {};
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (received) => {
      status = Number(received[':status']);
      responseHeaders = received as Record<string, string | string[] | undefined>;
    });
    stream.on('data', (chunk: string) => (body += chunk));
    stream.on('end', () => settle(status === undefined ? { kind: 'no-answer' } : { kind: 'response', status, headers: responseHeaders, body }));
    stream.on('close', () => {
      if (stream.rstCode !== undefined && stream.rstCode !== 0) settle({ kind: 'reset', code: stream.rstCode, ...(status !== undefined ? { status } : {}) });
      else if (session.closed || session.destroyed) settle({ kind: 'session-closed' });
      else if (status !== undefined) settle({ kind: 'response', status, headers: responseHeaders, body });
    });
    stream.on('error', () => undefined);
    stream.end();
  });
}

export interface FloodResult {
  /** The error code of the GOAWAY the server sent, if it sent one. */
  goawayCode?: number;
  /** Streams the server answered with a response header before they were reset. */
  answered: number;
}

/**
 * Opens `count` streams on one session and resets each right after its
 * header (the "rapid reset" pattern), in batches that fill a socket write,
 * then waits up to `settleMs` for the server to react.
 */
export async function floodResets(session: ClientHttp2Session, count: number, settleMs = 2_000): Promise<FloodResult> {
  const result: FloodResult = { answered: 0 };
  session.on('goaway', (code: number) => {
    result.goawayCode ??= code;
  });
  for (let sent = 0; sent < count && !session.closed && !session.destroyed; sent++) {
    try {
      const stream = session.request({ ':method': 'GET', ':path': `/flood/${sent}`, ':authority': 'shop.example.com', ':scheme': 'http' });
      stream.on('response', () => result.answered++);
      stream.on('error', () => undefined);
      stream.close(0x8);
    } catch {
      break;
    }
    // Yield now and then, so that the frames go out in several socket writes as a real client's would.
    if (sent % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return result;
}
