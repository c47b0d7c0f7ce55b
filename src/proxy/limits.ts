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

export type StreamVerdict = 'accept' | 'refuse' | 'goaway';

/** Counts the streams of one HTTP/2 connection and decides on each new one. */
export class SessionGuard {
  private requests = 0;
  private refused = 0;
  private newInThisRead = 0;
  private resetScheduled = false;
  private goawaySent = false;

  /** `perReadLimits`: the new-stream and refused-stream limits, which nginx has from 1.25.3. */
  constructor(
    private readonly session: ServerHttp2Session,
    private readonly perReadLimits: boolean,
  ) {}

  /** Decides on a new stream. The caller resets the stream on `refuse` and drops it on `goaway`, when the session closes. */
  admit(streamId: number): StreamVerdict {
    if (this.goawaySent) return 'refuse';

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
      if (this.refused > http2Limits.refusedStreams) return this.closeSession(streamId);
      return 'refuse';
    }

    this.requests++;
    if (this.requests >= http2Limits.keepaliveRequests) {
      // The last allowed request is still served, and GOAWAY makes the client open a new connection for more.
      this.goawaySent = true;
      this.sendGoaway(streamId, false);
    }
    return 'accept';
  }

  private closeSession(streamId: number): StreamVerdict {
    this.goawaySent = true;
    this.sendGoaway(streamId, true);
    return 'goaway';
  }

  /**
   * Sends GOAWAY NO_ERROR after the current frame callbacks: node crashed
   * with heap corruption when GOAWAY was sent from inside a 'stream' event
   * under load (node 20.20, nghttp2 1.61). Closing lets the frame go out
   * before the connection ends; destroy() right away could replace it.
   */
  private sendGoaway(streamId: number, close: boolean): void {
    setImmediate(() => {
      if (this.session.destroyed) return;
      this.session.goaway(constants.NGHTTP2_NO_ERROR, streamId);
      if (!close) return;
      this.session.close();
      setTimeout(() => this.session.destroy(), 1_000).unref();
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
 * is too large for certain; a smaller field that nginx rejects because its
 * encoding is longer (bytes with long Huffman codes) passes here.
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
  if (!stream.destroyed) stream.close(constants.NGHTTP2_REFUSED_STREAM);
}
