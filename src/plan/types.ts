/**
 * The Plan: what nginx must do for one spec, one nginx version and one
 * edition. The renderer prints it as nginx configuration and the reference
 * proxy executes it, so both read exactly the same decisions. It is
 * nginx-shaped on purpose: upstream blocks with their peers, the balancer of
 * each block, the maps that route a request to a block, and the servers,
 * listeners and locations.
 *
 * Durations are milliseconds. Every list is in output order, and the same
 * spec always gives the same Plan.
 */

import type { FeatureSet } from '../nginx/features.js';
import type { Edition, NginxVersion } from '../nginx/version.js';

export interface Plan {
  /** h2sticky version that made the Plan; the config header names it. */
  toolVersion: string;
  source: PlanSource;
  target: PlanTarget;
  runtime: PlanRuntime;
  logging: PlanLogging;
  /** http-level `map` blocks, in output order. */
  maps: PlanMap[];
  /** `upstream` blocks, in output order. */
  upstreams: PlanUpstream[];
  /** How requests for each spec upstream reach its blocks. */
  routes: PlanRoute[];
  servers: PlanServer[];
  /** Known, documented differences from native nginx behaviour, such as those of emulated sticky. */
  notes: PlanNote[];
}

export interface PlanSource {
  /** The spec file's base name. */
  file: string;
  /** SHA-256 of the spec file, lowercase hex. */
  digest: string;
}

export interface PlanTarget {
  version: NginxVersion;
  /** The version as written, such as 1.30 or 1.26.3. */
  versionText: string;
  edition: Edition;
  features: FeatureSet;
}

export interface PlanRuntime {
  workerProcesses: 'auto' | number;
  workerConnections: number;
  user?: string;
  pid?: string;
  errorLog?: string;
}

export interface PlanLogging {
  /** Access log path, `off`, or undefined to keep nginx's default. */
  accessLog?: string;
  /** Name of the JSON log format written when accessLog is a path. */
  format?: string;
}

/** A `map SOURCE $variable { ... }` block. Entries are tried as nginx tries them: exact strings first, then regexes in order. */
export interface PlanMap {
  /** The value mapped, such as `$cookie_srv_id` or `$upstream_addr`. */
  source: string;
  /** The variable defined, with its `$`. */
  variable: string;
  entries: PlanMapEntry[];
  /** Value when nothing matches; an empty string sets an empty value. */
  defaultValue: string;
  /** One-line comment printed above the block. */
  comment: string;
}

export interface PlanMapEntry {
  /** An exact string, or a regular expression (PCRE) when `regex` is true. */
  match: string;
  regex: boolean;
  value: string;
}

export type PlanBalancer =
  | { method: 'round_robin' }
  | { method: 'least_conn' }
  | { method: 'ip_hash' }
  | { method: 'hash'; key: string; consistent: boolean }
  | { method: 'random'; two: boolean };

/** One `server` line of an upstream block. */
export interface PlanPeer {
  /** The address as written in the spec, and printed on the server line. */
  address: string;
  /** Resolved form for IP addresses and unix sockets; host names are resolved when nginx starts. */
  endpoint: PlanEndpoint;
  /**
   * The peer name nginx shows in $upstream_addr and hashes for the sticky
   * cookie (`ip:port`, `[ipv6]:port`, `unix:/path`); undefined for host names.
   */
  name?: string;
  /** The sticky id: the route, or the lowercase hex MD5 of the peer name; undefined for host names without a route. */
  sid?: string;
  weight: number;
  maxFails: number;
  /** Whole seconds, in milliseconds. */
  failTimeoutMs: number;
  /** 0 means no limit. */
  maxConns: number;
  backup: boolean;
  /** `up`, `down` (never used) or `drain` (only requests bound by affinity). */
  state: 'up' | 'down' | 'drain';
  route?: string;
  /** Index of the server in the spec upstream's list. */
  specIndex: number;
}

export type PlanEndpoint =
  | { kind: 'tcp'; host: string; port: number; family: 4 | 6 | 'hostname' }
  | { kind: 'unix'; path: string };

export interface PlanKeepalive {
  /** Idle connections kept per worker; 0 turns reuse off. */
  connections: number;
  timeoutMs: number;
  requests: number;
  /** What the upstream block needs written: the directive, nothing (the version's default does it), or `keepalive 0`. */
  directive: 'write' | 'default' | 'off';
}

export type PlanSticky =
  | PlanStickyCookie
  | { mode: 'route'; variables: string[] }
  | { mode: 'learn'; create: string[]; lookup: string[]; zone: { name: string; size: string }; timeoutMs: number; header: boolean };

export interface PlanStickyCookie {
  mode: 'cookie';
  name: string;
  /** Lifetime in seconds, `max`, or undefined for a session cookie. */
  expires?: number | 'max';
  domain?: string;
  path?: string;
  httponly: boolean;
  secure: boolean;
  samesite?: 'strict' | 'lax' | 'none';
}

/** An `upstream` block. */
export interface PlanUpstream {
  /** The nginx name of the block. */
  name: string;
  /** The spec upstream the block belongs to. */
  specUpstream: string;
  /**
   * `group` serves requests that no affinity binds (or all requests);
   * `pinned` is an emulated-affinity block whose only primary is one server,
   * with every other server as backup.
   */
  role: 'group' | 'pinned';
  /** For pinned blocks: the spec index of the primary server. */
  pinnedIndex?: number;
  balancer: PlanBalancer;
  /** Peers in config order; primary and backup peers keep their relative order. */
  peers: PlanPeer[];
  /** Native `sticky` directive, written after the balancer. */
  sticky?: PlanSticky;
  keepalive: PlanKeepalive;
  zone?: { name: string; size: string };
}

/** How a request for a spec upstream chooses its block and what cookie it gets. */
export type PlanRoute =
  | { kind: 'direct'; specUpstream: string; upstream: string }
  | { kind: 'emulated-cookie'; specUpstream: string; emulation: PlanEmulatedCookie };

/**
 * Cookie affinity for open-source nginx before 1.29.6: a map from the
 * cookie to a pinned block, and a map from the last peer in $upstream_addr
 * to the Set-Cookie value, added to every response.
 */
export interface PlanEmulatedCookie {
  cookie: PlanStickyCookie;
  /** The variable the location proxies to, set by a map on `$cookie_NAME`. */
  selectVariable: string;
  /** sid → pinned block; requests with other values go to `groupUpstream`. */
  blocks: { sid: string; upstream: string }[];
  groupUpstream: string;
  /** The variable with the whole Set-Cookie value, set by a map on $upstream_addr; empty when no peer answered. */
  setCookieVariable: string;
  /** Peer name → Set-Cookie value. */
  setCookies: { peerName: string; value: string }[];
}

export interface PlanServer {
  listeners: PlanListener[];
  serverNames: string[];
  tls?: { certificate: string; key: string; protocols: string[] };
  /** Write `http2 on` (nginx 1.25.1 and later). */
  http2Directive: boolean;
  /** Write `http3 on` and advertise it with Alt-Svc. */
  http3: boolean;
  locations: PlanLocation[];
}

export interface PlanListener {
  /** IP address to listen on, undefined for all IPv4 addresses. */
  address?: string;
  port: number;
  ssl: boolean;
  /** The `http2` parameter of `listen` (nginx before 1.25.1). */
  http2Parameter: boolean;
  /** A QUIC listener on the same UDP port. */
  quic: boolean;
  /** Write `reuseport` on the QUIC listener; nginx allows it once per address and port. */
  reuseport: boolean;
  defaultServer: boolean;
  /** What clients can speak on the port. */
  serves: { http1: boolean; h2: boolean };
}

export type LocationMatch = '' | '=' | '^~' | '~' | '~*';

export interface PlanLocation {
  match: LocationMatch;
  path: string;
  specUpstream: string;
  /** nginx module that passes the request: `proxy` (HTTP/1.x or HTTP/2) or `grpc`. */
  module: 'proxy' | 'grpc';
  /** Argument of proxy_pass or grpc_pass, such as `http://app` or `http://$h2s_app_upstream`. */
  pass: string;
  /** proxy_http_version to write, or undefined to keep the version's default. */
  httpVersion?: '1.1' | '2';
  /** The effective HTTP version to the upstream, written or not. */
  upstreamHttpVersion: '1.0' | '1.1' | '2';
  /** Headers sent to the upstream (proxy_set_header or grpc_set_header), in output order. */
  headers: { name: string; value: string }[];
  /** Headers added to responses (add_header), in output order. */
  addHeaders: { name: string; value: string; always: boolean }[];
  timeouts: { connectMs: number; sendMs: number; readMs: number };
  nextUpstream: { conditions: string[]; tries: number; timeoutMs: number };
  websocket: boolean;
}

export interface PlanNote {
  code: string;
  message: string;
}

/** nginx's defaults for values the renderer writes only when they differ. */
export const nginxDefaults = {
  weight: 1,
  maxFails: 1,
  failTimeoutMs: 10_000,
  maxConns: 0,
  proxyTimeoutMs: 60_000,
  nextUpstreamConditions: ['error', 'timeout'],
  keepaliveConnections: 32,
  keepaliveTimeoutMs: 60_000,
  keepaliveRequests: 1000,
  learnTimeoutMs: 600_000,
  learnZoneSize: '1m',
  workerConnections: 1024,
} as const;
