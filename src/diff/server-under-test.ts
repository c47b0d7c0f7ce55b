/**
 * A server under test: something that serves a Plan on loopback ports and
 * reports, per finished request, the upstream attempts it made. nginx and the
 * reference proxy both implement it, so the harness drives them the same way.
 */

import type { Plan } from '../plan/types.js';

/** The record a server under test keeps of one finished request, with nginx's access log fields. */
export interface AccessRecord {
  method: string;
  /** The request target as the client sent it ($request_uri). */
  uri: string;
  status: number;
  /** $upstream_addr: peers tried, joined with ", " (or " : " across internal redirects); an upstream name when no peer was live; `-` or empty when none. */
  upstreamAddr: string;
  /** $upstream_status, in the same shape. */
  upstreamStatus: string;
}

export interface ServerUnderTest {
  /** Short role name used in reports: `nginx` or `proxy`. */
  readonly role: string;
  /** A description of the server, such as "nginx 1.30.6 (docker:h2sticky/nginx:1.30.6)". */
  readonly description: string;
  /** Starts serving the Plan on its listener ports; resolves once every port accepts connections. */
  start(plan: Plan): Promise<void>;
  /**
   * Switches to another Plan with fresh balancer state, as an nginx reload
   * gives its new workers. Resolves once the new state serves every port.
   */
  reload(plan: Plan): Promise<void>;
  /** Access records of requests finished since the last call, in the order they finished. */
  takeAccessRecords(): Promise<AccessRecord[]>;
  stop(): Promise<void>;
}
