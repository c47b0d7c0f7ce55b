/**
 * Limits against abusive HTTP/2 clients, with nginx's defaults
 * (ngx_http_v2_state_headers(), ngx_http_v2_read_handler()). A connection
 * has at most 128 concurrent streams and 1000 requests (keepalive_requests),
 * after which GOAWAY is sent. From nginx 1.25.3, at most twice the
 * concurrent-stream limit of new streams are accepted in one read, and later
 * ones are reset with REFUSED_STREAM. Once more than max(128, 100) streams
 * were refused, the connection is closed.
 */

import { constants, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';

export const http2Limits = {
  /** http2_max_concurrent_streams default. */
  maxConcurrentStreams: 128,
  /** keepalive_requests default since nginx 1.19.10. */
  keepaliveRequests: 1000,
  /** New streams allowed per read event (nginx 1.25.3): 2 × http2_max_concurrent_streams. */
  newStreamsPerRead: 256,
  /** Refused streams that close the connection (nginx 1.25.3): max(http2_max_concurrent_streams, 100). */
  refusedStreams: 128,
  /** large_client_header_buffers default: 4 buffers of 8 KiB. nginx compares each field's HPACK-encoded length with one buffer. */
  maxHeaderFieldBytes: 8192,
  /** The names and values of one header list together may fill all four buffers. */
  maxHeaderListBytes: 4 * 8192,
} as const;

/** `refuse`: over the per-read limit; `closing`: after GOAWAY; `goaway`: too many refused streams, so the session closes. */
export type StreamVerdict = 'accept' | 'refuse' | 'closing' | 'goaway';

/** Counts the streams of one HTTP/2 connection and decides on each new one. */
export class SessionGuard {
  private requests = 0;
  private refused = 0;
  private newInThisRead = 0;
  private resetScheduled = false;
  private goawaySent = false;
  /** Accepted streams whose request has not ended. */
  private active = 0;
  private closePending = false;

  /** `perReadLimits`: the new-stream and refused-stream limits, which nginx has from 1.25.3. */
  constructor(
    private readonly session: ServerHttp2Session,
    private readonly perReadLimits: boolean,
  ) {}

  /** Decides on a new stream; the caller resets every stream that is not accepted. */
  admit(): StreamVerdict {
    if (this.goawaySent) return 'closing';

    // The frames of one socket read are delivered in one turn of the event loop, which stands for nginx's read event.
    this.newInThisRead++;
    if (!this.resetScheduled) {
      this.resetScheduled = true;
      setImmediate(() => {
        this.newInThisRead = 0;
        this.resetScheduled = false;
      });
    }
    if (this.perReadLimits && this.newInThisRead > http2Limits.newStreamsPerRead) {
      this.refused++;
      if (this.refused > http2Limits.refusedStreams) return this.closeSession();
      return 'refuse';
    }

    this.requests++;
    this.active++;
    if (this.requests >= http2Limits.keepaliveRequests) {
      // The last allowed request is still served, and GOAWAY makes the client open a new connection for more.
      this.goawaySent = true;
      this.sendGoaway();
    }
    return 'accept';
  }

  private closeSession(): StreamVerdict {
    this.goawaySent = true;
    this.sendGoaway();
    return 'goaway';
  }

  /** Counts the end of an accepted stream's request; a pending GOAWAY goes out once none is left. */
  streamDone(): void {
    this.active--;
    if (this.closePending && this.active === 0) this.closeNow();
  }

  /** Ends the session as nginx ends it on a reload or stop: no new streams, then GOAWAY once the accepted ones are done. */
  shutdown(): void {
    this.goawaySent = true;
    this.sendGoaway();
  }

  /**
   * Sends GOAWAY NO_ERROR and closes the connection once no accepted stream
   * is in flight. Later streams are refused meanwhile, as nginx ignores
   * streams after its GOAWAY. Ending a session that still had streams in
   * flight (session.goaway() or session.close()) corrupted node's heap under
   * load (node 20.20, nghttp2 1.61, h2load runs that reach keepalive_requests).
   */
  private sendGoaway(): void {
    this.closePending = true;
    if (this.active === 0) this.closeNow();
  }

  private closeNow(): void {
    this.closePending = false;
    // Outside the frame callbacks of the current read.
    setImmediate(() => {
      if (this.session.destroyed) return;
      this.session.goaway(constants.NGHTTP2_NO_ERROR);
      this.session.destroy();
    });
  }
}

/**
 * Checks a decoded header list against nginx's limits, whose breach nginx
 * ends with a connection error ENHANCE_YOUR_CALM (ngx_http_v2_state_field_len(),
 * ngx_http_v2_state_process_header()). The limits are the names and values
 * together over maxHeaderListBytes, and one field whose encoded length
 * exceeds one buffer.
 *
 * NOTE: node:http2 hands over decoded headers only. A Huffman code has at
 * least 5 bits per byte, so a field decoded to more than 8 / 5 of the limit
 * is too large for certain. A smaller field whose encoding nginx finds too
 * long (bytes with long Huffman codes) passes here.
 */
export function exceedsHeaderLimits(rawHeaders: readonly string[]): boolean {
  const surelyTooLargeField = Math.floor((http2Limits.maxHeaderFieldBytes * 8) / 5);
  let total = 0;
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!.length;
    const value = rawHeaders[index + 1]!.length;
    if (name > surelyTooLargeField || value > surelyTooLargeField) return true;
    total += name + value;
  }
  return total > http2Limits.maxHeaderListBytes;
}

/** Resets a stream that a limit refused. */
export function refuseStream(stream: ServerHttp2Stream): void {
  if (!stream.closed && !stream.destroyed && stream.session?.destroyed === false) stream.close(constants.NGHTTP2_REFUSED_STREAM);
}
