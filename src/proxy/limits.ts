/**
 * Limits against abusive HTTP/2 clients, as nginx 1.25.3 and later set them
 * by default (ngx_http_v2_state_headers(), ngx_http_v2_read_handler()):
 * 128 concurrent streams; at most 1000 requests per connection
 * (keepalive_requests), after which GOAWAY is sent; at most twice the
 * concurrent-stream limit of new streams in one read, after which new
 * streams are refused with REFUSED_STREAM; and the connection closed once
 * more than max(128, 100) streams were refused.
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
  /** large_client_header_buffers default: 4 buffers of 8 KiB; one header field must fit in one buffer. */
  maxHeaderFieldBytes: 8192,
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

  constructor(private readonly session: ServerHttp2Session) {}

  /** Decides on a new stream; the caller answers `refuse` by resetting the stream and `goaway` by closing the session. */
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
    if (this.newInThisRead > http2Limits.newStreamsPerRead) {
      this.refused++;
      if (this.refused > http2Limits.refusedStreams) return this.closeSession(streamId);
      return 'refuse';
    }

    this.requests++;
    if (this.requests >= http2Limits.keepaliveRequests) {
      // The last allowed request is still served; GOAWAY tells the client to open a new connection for more.
      this.goawaySent = true;
      this.session.goaway(constants.NGHTTP2_NO_ERROR, streamId);
    }
    return 'accept';
  }

  private closeSession(streamId: number): StreamVerdict {
    this.goawaySent = true;
    this.session.goaway(constants.NGHTTP2_NO_ERROR, streamId);
    this.session.destroy();
    return 'goaway';
  }
}

/** Total size of a header list as HTTP/2 counts it (name + value + 32 per field), and the largest single field. */
export function measureHeaders(rawHeaders: readonly string[]): { total: number; largestField: number } {
  let total = 0;
  let largestField = 0;
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const size = rawHeaders[index]!.length + rawHeaders[index + 1]!.length;
    total += size + 32;
    if (size > largestField) largestField = size;
  }
  return { total, largestField };
}

/** Resets a stream that a limit refused. */
export function refuseStream(stream: ServerHttp2Stream): void {
  if (!stream.destroyed) stream.close(constants.NGHTTP2_REFUSED_STREAM);
}
