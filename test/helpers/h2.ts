/**
 * A real HTTP/2 client for integration tests (node:http2): TLS with ALPN, or
 * h2c with prior knowledge, several streams on one session.
 */

import { readFileSync } from 'node:fs';
import { connect, type ClientHttp2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders, type SecureClientSessionOptions } from 'node:http2';

export const testCertificate = readFileSync('fixtures/tls/test.crt');

export interface H2Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const timeoutMs = 15_000;

/** Opens an HTTP/2 session: `https://` offers ALPN h2 only and trusts the test certificate unless `options.ca` names another; `http://` speaks h2c with prior knowledge. */
export async function openSession(url: string, servername = 'shop.example.com', options: SecureClientSessionOptions = {}): Promise<ClientHttp2Session> {
  const session = connect(url, url.startsWith('https:') ? { ca: testCertificate, servername, ALPNProtocols: ['h2'], ...options } : options);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no HTTP/2 session with ${url} within ${timeoutMs} ms`)), timeoutMs);
    session.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    session.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  return session;
}

/** Sends one request on a session and reads the whole response. */
export function request(session: ClientHttp2Session, path: string, headers: OutgoingHttpHeaders = {}, method = 'GET'): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': method, ':path': path, ':authority': 'shop.example.com', ...headers });
    const timer = setTimeout(() => {
      stream.close();
      reject(new Error(`no response for ${method} ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    let status = 0;
    let responseHeaders: IncomingHttpHeaders = {};
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (received) => {
      responseHeaders = received;
      status = Number(received[':status']);
    });
    stream.on('data', (chunk: string) => {
      body += chunk;
    });
    stream.on('end', () => {
      clearTimeout(timer);
      resolve({ status, headers: responseHeaders, body });
    });
    stream.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    stream.end();
  });
}

export function closeSession(session: ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => {
    if (session.closed || session.destroyed) return resolve();
    session.close(() => resolve());
  });
}

/** The Set-Cookie values of a response as one list. */
export function setCookies(response: H2Response): string[] {
  const value = response.headers['set-cookie'];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The value of the named cookie among a response's Set-Cookie headers. */
export function cookieValue(response: H2Response, name: string): string | undefined {
  for (const header of setCookies(response)) {
    const [pair] = header.split(';');
    const separator = pair!.indexOf('=');
    if (pair!.slice(0, separator).trim() === name) return pair!.slice(separator + 1).trim();
  }
  return undefined;
}
