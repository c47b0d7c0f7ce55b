/**
 * Types shared by the HTTP/1.x and HTTP/2 attempts: what the forwarder
 * sends, how the response header phase ends, and how a body is passed on.
 */

import type { Socket } from 'node:net';

import type { HeaderField } from '../variables.js';

export interface AttemptTimeouts {
  /** proxy_send_timeout: the maximum wait for a write to make progress. */
  sendMs: number;
  /** proxy_read_timeout: the maximum wait between two reads. */
  readMs: number;
}

/** The destination of a response body: the client's stream, with backpressure. */
export interface BodySink {
  /** Writes a chunk; false means wait for onDrain before writing more. */
  write(chunk: Buffer): boolean;
  onDrain(listener: () => void): void;
  /** Ends the body, with its last chunk when that is at hand, and with trailers for gRPC. */
  end(trailers?: HeaderField[], lastChunk?: Buffer): void;
  /** True once the client is gone. */
  readonly closed: boolean;
}

/** The end of a passed body: complete, or broken by the backend, a read timeout or the client. */
export type BodyResult = 'complete' | 'error' | 'timeout' | 'client-closed';

export interface UpstreamBody {
  /** Passes the body to the sink; resolves when it ends. */
  pipe(sink: BodySink): Promise<BodyResult>;
  /** Drops the response and closes its connection, for a response nginx retries. */
  discard(): void;
  /** For a 101 response from an HTTP/1.1 backend: hands over the connection and the bytes that followed the header, for a tunnel. */
  takeTunnel?(): UpstreamTunnel;
}

/** A backend connection after 101 Switching Protocols. */
export interface UpstreamTunnel {
  socket: Socket;
  /** Bytes the backend sent after the response header. */
  rest: Buffer;
}

export interface UpstreamResponseHead {
  status: number;
  headers: HeaderField[];
  /** Content-Length from the backend, or -1. */
  contentLength: number;
  /** The body is empty by protocol (HEAD, 204, 304). */
  noBody: boolean;
}

export type HeaderOutcome =
  | { kind: 'response'; head: UpstreamResponseHead; body: UpstreamBody }
  | { kind: 'error'; message: string; requestSent: boolean }
  | { kind: 'timeout'; message: string; requestSent: boolean }
  | { kind: 'invalid_header'; message: string; requestSent: boolean };
