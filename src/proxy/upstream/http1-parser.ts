/**
 * An incremental parser for HTTP/1.x responses from backends: the status
 * line and header block, then the body framed by Content-Length, chunked
 * transfer coding, or the end of the connection.
 */

import type { HeaderField } from '../variables.js';

/** nginx's proxy_buffer_size default: one memory page (4 KiB on x86-64 Linux); a larger header is "too big". */
export const maxResponseHeaderBytes = 4096;

export interface ResponseHead {
  status: number;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minorVersion: number;
  headers: HeaderField[];
  /** Content-Length, or -1 when absent. */
  contentLength: number;
  chunked: boolean;
  /** The backend asked to close (Connection: close, or HTTP/1.0 without keep-alive). */
  connectionClose: boolean;
}

export type HeadResult =
  | { kind: 'more' }
  | { kind: 'head'; head: ResponseHead; rest: Buffer }
  /** An interim 1xx response other than 101, which is skipped; parsing continues with `rest`. */
  | { kind: 'interim'; rest: Buffer }
  | { kind: 'invalid'; reason: string };

const headerEnd = Buffer.from('\r\n\r\n');
const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Collects bytes until the header block is complete, then parses it. */
export class ResponseHeadParser {
  private buffered: Buffer | undefined;

  feed(chunk: Buffer): HeadResult {
    const data = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
    const end = data.indexOf(headerEnd);
    if (end === -1) {
      if (data.length >= maxResponseHeaderBytes) return { kind: 'invalid', reason: 'upstream sent too big header' };
      this.buffered = data;
      return { kind: 'more' };
    }
    this.buffered = undefined;
    if (end + 4 > maxResponseHeaderBytes) return { kind: 'invalid', reason: 'upstream sent too big header' };

    const rest = data.subarray(end + 4);
    const parsed = parseHead(data.toString('latin1', 0, end));
    if (typeof parsed === 'string') return { kind: 'invalid', reason: parsed };
    if (parsed.status >= 100 && parsed.status < 200 && parsed.status !== 101) return { kind: 'interim', rest };
    return { kind: 'head', head: parsed, rest };
  }
}

function parseHead(text: string): ResponseHead | string {
  const lines = text.split('\r\n');
  const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (!statusLine) return 'upstream sent no valid HTTP/1.0 header';

  const head: ResponseHead = {
    status: Number(statusLine[2]),
    minorVersion: Number(statusLine[1]),
    headers: [],
    contentLength: -1,
    chunked: false,
    connectionClose: statusLine[1] === '0',
  };

  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]!;
    const colon = line.indexOf(':');
    if (colon <= 0) return 'upstream sent invalid header';
    const name = line.slice(0, colon);
    if (!tokenPattern.test(name)) return 'upstream sent invalid header';
    const value = line.slice(colon + 1).trim();
    const lower = name.toLowerCase();

    if (lower === 'content-length') {
      if (head.contentLength !== -1) return 'upstream sent duplicate header line: "Content-Length"';
      if (!/^\d{1,15}$/.test(value)) return 'upstream sent invalid "Content-Length" header';
      head.contentLength = Number(value);
    } else if (lower === 'transfer-encoding') {
      if (value.toLowerCase() !== 'chunked') return `upstream sent unknown "Transfer-Encoding": "${value}"`;
      head.chunked = true;
    } else if (lower === 'connection') {
      const tokens = value.toLowerCase().split(',').map((token) => token.trim());
      if (tokens.includes('close')) head.connectionClose = true;
      else if (tokens.includes('keep-alive') && head.minorVersion === 0) head.connectionClose = false;
    }
    head.headers.push({ name, value });
  }

  if (head.chunked && head.contentLength !== -1) return 'upstream sent "Content-Length" and "Transfer-Encoding" headers at the same time';
  if (head.chunked && head.minorVersion === 0) return 'upstream sent "Transfer-Encoding: chunked" with HTTP/1.0';
  return head;
}

export type ChunkResult = { kind: 'data'; data: Buffer[]; done: boolean; rest: Buffer } | { kind: 'invalid'; reason: string };

/** Decodes the chunked transfer coding incrementally; trailers are read and dropped, as nginx's proxy module does. */
export class ChunkedDecoder {
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private remaining = 0;
  private pending: Buffer | undefined;

  feed(chunk: Buffer): ChunkResult {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    const out: Buffer[] = [];

    while (data.length > 0 && this.state !== 'done') {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, data.length);
        out.push(data.subarray(0, take));
        data = data.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }

      const lineEnd = data.indexOf('\r\n');
      if (lineEnd === -1) {
        if (data.length > 4096) return { kind: 'invalid', reason: 'upstream sent invalid chunked response' };
        this.pending = data;
        break;
      }
      const line = data.toString('latin1', 0, lineEnd);
      data = data.subarray(lineEnd + 2);

      if (this.state === 'data-end') {
        if (line !== '') return { kind: 'invalid', reason: 'upstream sent invalid chunked response' };
        this.state = 'size';
      } else if (this.state === 'size') {
        const size = /^([0-9A-Fa-f]{1,15})[ \t]*(?:;.*)?$/.exec(line);
        if (!size) return { kind: 'invalid', reason: 'upstream sent invalid chunked response' };
        this.remaining = Number.parseInt(size[1]!, 16);
        this.state = this.remaining === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        this.state = 'done';
      }
    }
    return { kind: 'data', data: out, done: this.state === 'done', rest: this.state === 'done' ? data : Buffer.alloc(0) };
  }
}
