/**
 * Virtual server selection as nginx does it: the listen socket's servers,
 * then the name from SNI or Host/:authority matched against server_name
 * (exact names, the longest leading wildcard, the longest trailing wildcard,
 * then regexes in order), else the socket's default server.
 */

import type { PlanServer } from '../plan/types.js';

/** A host header value checked and reduced to the name nginx looks up. */
export type HostResult = { ok: true; host: string } | { ok: false };

/**
 * Validates a Host or :authority value and returns it lowercase, without
 * port and trailing dot (ngx_http_validate_host()). From 1.29.4 nginx
 * accepts only RFC 3986 characters (`strict`); before, it rejects only
 * path separators, control characters, spaces and "..".
 */
export function validateHost(value: string, strict: boolean): HostResult {
  let hostLength = value.length;
  let dotPosition = -2;
  let inLiteral = false;
  let inPort = false;

  for (let index = 0; index < value.length; index++) {
    const character = value[index]!;
    const code = value.charCodeAt(index);
    if (inPort) {
      if (strict && (code < 0x30 || code > 0x39)) return { ok: false };
      continue;
    }
    if (character === '.') {
      if (dotPosition === index - 1) return { ok: false };
      dotPosition = index;
    } else if (character === '[' && index === 0) {
      inLiteral = true;
    } else if (character === ']' && inLiteral) {
      hostLength = index + 1;
      inLiteral = false;
      if (strict && index + 1 < value.length && value[index + 1] !== ':') return { ok: false };
    } else if (character === ':' && !inLiteral) {
      hostLength = Math.min(hostLength, index);
      inPort = true;
    } else if (character === '/' || character === '\\' || code <= 0x20 || code === 0x7f) {
      return { ok: false };
    } else if (strict && !/[A-Za-z0-9\-_~!$&'()*+,;=%:]/.test(character)) {
      return { ok: false };
    }
  }

  if (dotPosition === hostLength - 1) hostLength--;
  if (hostLength <= 0) return { ok: false };
  return { ok: true, host: value.slice(0, hostLength).toLowerCase() };
}

interface NameTable {
  exact: Map<string, PlanServer>;
  /** `*.example.com` and `.example.com`, longest suffix first. */
  leading: { suffix: string; alsoBare: boolean; server: PlanServer }[];
  /** `www.example.*`, longest prefix first. */
  trailing: { prefix: string; server: PlanServer }[];
  regexes: { pattern: RegExp; server: PlanServer }[];
}

/** The servers of one listen socket (address and port). */
export class ServerSelector {
  private readonly names: NameTable = { exact: new Map(), leading: [], trailing: [], regexes: [] };

  constructor(
    readonly servers: readonly PlanServer[],
    readonly defaultServer: PlanServer,
  ) {
    for (const server of servers) {
      for (const raw of server.serverNames) this.addName(raw, server);
    }
    this.names.leading.sort((a, b) => b.suffix.length - a.suffix.length);
    this.names.trailing.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  private addName(raw: string, server: PlanServer): void {
    const name = raw.toLowerCase();
    // The first server that names a host keeps it, as nginx warns "conflicting server name" and ignores the later one.
    if (name.startsWith('~')) {
      this.names.regexes.push({ pattern: new RegExp(raw.slice(1)), server });
    } else if (name.startsWith('*.')) {
      this.names.leading.push({ suffix: name.slice(1), alsoBare: false, server });
    } else if (name.startsWith('.')) {
      this.names.leading.push({ suffix: name, alsoBare: true, server });
    } else if (name.endsWith('.*')) {
      this.names.trailing.push({ prefix: name.slice(0, -1), server });
    } else if (!this.names.exact.has(name)) {
      this.names.exact.set(name, server);
    }
  }

  /** Finds the server for a validated host name, or the default server when none is named so or the host is absent. */
  select(host: string | undefined): PlanServer {
    if (host === undefined || host === '') return this.defaultServer;
    return this.findByName(host) ?? this.defaultServer;
  }

  /** Finds the server whose server_name matches, or undefined. */
  findByName(host: string): PlanServer | undefined {
    const exact = this.names.exact.get(host);
    if (exact) return exact;
    for (const entry of this.names.leading) {
      if (host.endsWith(entry.suffix) && host.length > entry.suffix.length) return entry.server;
      if (entry.alsoBare && host === entry.suffix.slice(1)) return entry.server;
    }
    for (const entry of this.names.trailing) {
      if (host.startsWith(entry.prefix) && host.length > entry.prefix.length) return entry.server;
    }
    for (const entry of this.names.regexes) {
      if (entry.pattern.test(host)) return entry.server;
    }
    return undefined;
  }
}

/** One listen socket: where it listens and which servers share it. */
export interface ListenSocket {
  /** IP address, or undefined for all IPv4 addresses (nginx's `listen PORT`). */
  address?: string;
  port: number;
  ssl: boolean;
  /** Serves HTTP/1.x; false for a plain-text `listen ... http2` socket before 1.25.1. */
  http1: boolean;
  /** Serves HTTP/2: ALPN h2 with TLS, prior-knowledge h2c without. */
  h2: boolean;
  selector: ServerSelector;
}

/** Groups the Plan's listeners into listen sockets; the default server is the one marked so, else the first. */
export function collectListenSockets(servers: readonly PlanServer[]): ListenSocket[] {
  const groups = new Map<string, { address?: string; port: number; ssl: boolean; http1: boolean; h2: boolean; servers: PlanServer[]; defaultServer?: PlanServer }>();
  for (const server of servers) {
    for (const listener of server.listeners) {
      const key = `${listener.address ?? '*'}:${listener.port}`;
      let group = groups.get(key);
      if (!group) {
        group = {
          ...(listener.address !== undefined ? { address: listener.address } : {}),
          port: listener.port,
          ssl: listener.ssl,
          http1: listener.serves.http1,
          h2: listener.serves.h2,
          servers: [],
        };
        groups.set(key, group);
      }
      if (!group.servers.includes(server)) group.servers.push(server);
      if (listener.defaultServer && group.defaultServer === undefined) group.defaultServer = server;
    }
  }
  return [...groups.values()].map((group) => ({
    ...(group.address !== undefined ? { address: group.address } : {}),
    port: group.port,
    ssl: group.ssl,
    http1: group.http1,
    h2: group.h2,
    selector: new ServerSelector(group.servers, group.defaultServer ?? group.servers[0]!),
  }));
}
