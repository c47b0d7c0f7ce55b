import { parseServerAddress, type ServerAddress } from '../plan/peer-name.js';
import { nginxDefaults, type PlanBalancer, type PlanStickyCookie } from '../plan/types.js';
import { parseDuration } from './duration.js';
import type { Target } from './target.js';
import type { RetryCondition, SpecDocument, SpecLocation, SpecUpstream } from './types.js';

/** A valid spec with defaults filled in, durations in milliseconds and the target resolved. */
export interface NormalizedSpec {
  target: Target;
  runtime: {
    workerProcesses: 'auto' | number;
    workerConnections: number;
    user?: string;
    pid?: string;
    errorLog?: string;
  };
  accessLog?: string;
  upstreams: NormalizedUpstream[];
  servers: NormalizedServer[];
}

export interface NormalizedUpstream {
  name: string;
  servers: NormalizedUpstreamServer[];
  balancer: PlanBalancer;
  affinity: NormalizedAffinity;
  keepalive: { enabled: boolean; connections: number; timeoutMs: number; requests: number };
  protocol: 'http1' | 'http2' | 'grpc';
  zone?: string;
}

export interface NormalizedUpstreamServer {
  address: ServerAddress;
  weight: number;
  maxFails: number;
  failTimeoutMs: number;
  maxConns: number;
  backup: boolean;
  state: 'up' | 'down' | 'drain';
  route?: string;
}

export type NormalizedAffinity =
  | { mode: 'none' }
  | PlanStickyCookie
  | { mode: 'route'; variables: string[] }
  | { mode: 'learn'; create: string[]; lookup: string[]; zoneSize: string; timeoutMs: number; header: boolean }
  | { mode: 'client_ip' }
  | { mode: 'hash'; key: string };

export interface NormalizedServer {
  serverNames: string[];
  listeners: {
    address?: string;
    port: number;
    tls: boolean;
    http2: boolean;
    h2cOnly: boolean;
    http3: boolean;
    defaultServer: boolean;
  }[];
  tls?: { certificate: string; key: string; protocols: string[] };
  locations: NormalizedLocation[];
}

export interface NormalizedLocation {
  path: string;
  match: NonNullable<SpecLocation['match']>;
  upstream: string;
  timeouts: { connectMs: number; sendMs: number; readMs: number };
  retries: { conditions: RetryCondition[]; tries: number; timeoutMs: number };
  headers: { name: string; value: string }[];
  websocket: boolean;
}

/** Headers h2sticky sends to upstreams unless the spec overrides or removes them. */
export const defaultProxyHeaders: readonly { name: string; value: string }[] = [
  { name: 'Host', value: '$host' },
  { name: 'X-Real-IP', value: '$remote_addr' },
  { name: 'X-Forwarded-For', value: '$proxy_add_x_forwarded_for' },
  { name: 'X-Forwarded-Proto', value: '$scheme' },
];

const defaultTlsProtocols = ['TLSv1.2', 'TLSv1.3'];

/** Normalizes a spec that passed every check; it throws on input the checks should have rejected. */
export function normalizeSpec(document: SpecDocument, target: Target): NormalizedSpec {
  const runtime = document.runtime ?? {};
  return {
    target,
    runtime: {
      workerProcesses: runtime.worker_processes ?? 'auto',
      workerConnections: runtime.worker_connections ?? nginxDefaults.workerConnections,
      ...(runtime.user !== undefined ? { user: runtime.user } : {}),
      ...(runtime.pid !== undefined ? { pid: runtime.pid } : {}),
      ...(runtime.error_log !== undefined ? { errorLog: runtime.error_log } : {}),
    },
    ...(document.logging?.access_log !== undefined ? { accessLog: document.logging.access_log } : {}),
    upstreams: Object.entries(document.upstreams).map(([name, upstream]) => normalizeUpstream(name, upstream)),
    servers: document.servers.map((server) => ({
      serverNames: server.server_names ?? [],
      listeners: server.listen.map((listener) => ({
        ...(listener.address !== undefined && listener.address !== '*' ? { address: listener.address } : {}),
        port: listener.port,
        tls: listener.tls ?? false,
        http2: listener.http2 ?? false,
        h2cOnly: listener.h2c_only ?? false,
        http3: listener.http3 ?? false,
        defaultServer: listener.default_server ?? false,
      })),
      ...(server.tls
        ? { tls: { certificate: server.tls.certificate, key: server.tls.key, protocols: server.tls.protocols ?? defaultTlsProtocols } }
        : {}),
      locations: server.locations.map(normalizeLocation),
    })),
  };
}

function duration(value: number | string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (ms === undefined) throw new Error(`invalid duration ${String(value)} passed validation`);
  return ms;
}

function normalizeUpstream(name: string, upstream: SpecUpstream): NormalizedUpstream {
  const keepalive = upstream.keepalive;
  const keepaliveObject = typeof keepalive === 'object' ? keepalive : {};
  return {
    name,
    servers: upstream.servers.map((server) => {
      const address = parseServerAddress(server.address);
      if (typeof address === 'string') throw new Error(`invalid address ${server.address} passed validation`);
      return {
        address,
        weight: server.weight ?? nginxDefaults.weight,
        maxFails: server.max_fails ?? nginxDefaults.maxFails,
        failTimeoutMs: duration(server.fail_timeout, nginxDefaults.failTimeoutMs),
        maxConns: server.max_conns ?? nginxDefaults.maxConns,
        backup: server.backup ?? false,
        state: server.drain ? 'drain' : server.down ? 'down' : 'up',
        ...(server.route !== undefined ? { route: server.route } : {}),
      };
    }),
    balancer: normalizeBalancer(upstream),
    affinity: normalizeAffinity(upstream),
    keepalive: {
      enabled: keepalive !== false,
      connections: keepaliveObject.connections ?? nginxDefaults.keepaliveConnections,
      timeoutMs: duration(keepaliveObject.timeout, nginxDefaults.keepaliveTimeoutMs),
      requests: keepaliveObject.requests ?? nginxDefaults.keepaliveRequests,
    },
    protocol: upstream.protocol ?? 'http1',
    ...(upstream.zone !== undefined ? { zone: upstream.zone } : {}),
  };
}

function normalizeBalancer(upstream: SpecUpstream): PlanBalancer {
  const affinity = upstream.affinity;
  if (affinity?.mode === 'client_ip') return { method: 'ip_hash' };
  if (affinity?.mode === 'hash') return { method: 'hash', key: affinity.key, consistent: true };

  const balance = upstream.balance ?? 'round_robin';
  const method = typeof balance === 'string' ? balance : balance.method;
  switch (method) {
    case 'hash': {
      const hash = balance as { key: string; consistent?: boolean };
      return { method: 'hash', key: hash.key, consistent: hash.consistent ?? false };
    }
    case 'random':
      return { method: 'random', two: typeof balance === 'object' && 'two' in balance ? (balance.two ?? false) : false };
    default:
      return { method };
  }
}

function normalizeAffinity(upstream: SpecUpstream): NormalizedAffinity {
  const affinity = upstream.affinity;
  if (!affinity) return { mode: 'none' };
  switch (affinity.mode) {
    case 'cookie': {
      const expires = affinity.expires === undefined || affinity.expires === 'max' ? affinity.expires : duration(affinity.expires, 0) / 1000;
      return {
        mode: 'cookie',
        name: affinity.name,
        ...(expires !== undefined ? { expires } : {}),
        ...(affinity.domain !== undefined ? { domain: affinity.domain } : {}),
        ...(affinity.path !== undefined ? { path: affinity.path } : {}),
        httponly: affinity.httponly ?? false,
        secure: affinity.secure ?? false,
        ...(affinity.samesite !== undefined ? { samesite: affinity.samesite } : {}),
      };
    }
    case 'route':
      return { mode: 'route', variables: affinity.variables };
    case 'learn':
      return {
        mode: 'learn',
        create: affinity.create,
        lookup: affinity.lookup,
        zoneSize: affinity.zone_size ?? nginxDefaults.learnZoneSize,
        timeoutMs: duration(affinity.timeout, nginxDefaults.learnTimeoutMs),
        header: affinity.header ?? false,
      };
    case 'client_ip':
      return { mode: 'client_ip' };
    case 'hash':
      return { mode: 'hash', key: affinity.key };
  }
}

function normalizeLocation(location: SpecLocation): NormalizedLocation {
  // Spec headers replace defaults of the same name in place, so the output order stays stable.
  const merged = defaultProxyHeaders
    .map((header) => {
      const override = findHeader(location.headers, header.name);
      if (override === undefined) return header;
      return override[1] === null ? undefined : { name: header.name, value: override[1] };
    })
    .filter((header): header is { name: string; value: string } => header !== undefined);
  for (const [name, value] of Object.entries(location.headers ?? {})) {
    if (value === null || defaultProxyHeaders.some((header) => header.name.toLowerCase() === name.toLowerCase())) continue;
    merged.push({ name, value });
  }

  return {
    path: location.path,
    match: location.match ?? 'prefix',
    upstream: location.upstream,
    timeouts: {
      connectMs: duration(location.timeouts?.connect, nginxDefaults.proxyTimeoutMs),
      sendMs: duration(location.timeouts?.send, nginxDefaults.proxyTimeoutMs),
      readMs: duration(location.timeouts?.read, nginxDefaults.proxyTimeoutMs),
    },
    retries: {
      conditions: location.retries?.conditions ?? [...nginxDefaults.nextUpstreamConditions],
      tries: location.retries?.tries ?? 0,
      timeoutMs: duration(location.retries?.timeout, 0),
    },
    headers: merged,
    websocket: location.websocket ?? false,
  };
}

function findHeader(headers: Record<string, string | null> | undefined, name: string): [string, string | null] | undefined {
  return Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase());
}
