/**
 * Loopback sockets for the spec's listeners during a diff. Each distinct
 * listener of the spec, an address and port as the spec writes them, gets its
 * own loopback socket on each server under test. IPv4 listeners, `*` included, move to
 * 127.0.0.1. IPv6 listeners move to ::1 when this machine has it, and to
 * 127.0.0.1 otherwise. So a spec may listen on 127.0.0.1:8443 and [::1]:8443
 * at once, and a scenario connection picks one by address and port.
 */

import { createServer } from 'node:net';

import type { SpecDocument } from '../spec/types.js';
import { freePort } from '../util/free-port.js';

/** A loopback socket; `host` is written without brackets (`::1`), as node:net takes it. */
export interface LoopbackEndpoint {
  host: '127.0.0.1' | '::1';
  port: number;
}

/** Spec listener keys (see listenerKey) mapped to the sockets one server under test listens on. */
export type ListenerMap = ReadonlyMap<string, LoopbackEndpoint>;

/** Maximum attempts to find a port that no other listener of the session uses. */
const maxPortAttempts = 20;

/** Names a listener by its address as written (`*` when absent) and its port, such as `[::1]:8443` or `*:8080`. */
export function listenerKey(listener: { address?: string | undefined; port: number }): string {
  return `${listener.address ?? '*'}:${listener.port}`;
}

/** Lists the distinct listeners of a spec, in order, with whether each is an IPv6 one. */
export function specListeners(document: SpecDocument): { key: string; ipv6: boolean }[] {
  const found = new Map<string, boolean>();
  for (const server of document.servers ?? []) {
    for (const listener of server.listen ?? []) {
      const key = listenerKey(listener);
      if (!found.has(key)) found.set(key, listener.address?.startsWith('[') === true);
    }
  }
  return [...found].map(([key, ipv6]) => ({ key, ipv6 }));
}

/** Writes an endpoint's host as a spec or nginx `listen` address: `127.0.0.1` or `[::1]`. */
export function listenAddress(endpoint: LoopbackEndpoint): string {
  return endpoint.host === '::1' ? '[::1]' : endpoint.host;
}

let ipv6Loopback: Promise<boolean> | undefined;

/** Finds out once whether a socket can listen on ::1 here; containers and some hosts have no IPv6. */
export function hasIpv6Loopback(): Promise<boolean> {
  ipv6Loopback ??= new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
  return ipv6Loopback;
}

/**
 * Adds a loopback socket for every spec listener that does not have one yet,
 * to each map. No two sockets of the maps share a host and port, so both
 * servers under test can listen at once.
 */
export async function allocateListeners(document: SpecDocument, maps: readonly Map<string, LoopbackEndpoint>[]): Promise<void> {
  const ipv6 = await hasIpv6Loopback();
  const used = new Set(maps.flatMap((map) => [...map.values()].map((endpoint) => `${endpoint.host}:${endpoint.port}`)));

  for (const listener of specListeners(document)) {
    for (const map of maps) {
      if (map.has(listener.key)) continue;
      const host = listener.ipv6 && ipv6 ? '::1' : '127.0.0.1';
      const endpoint = await unusedEndpoint(host, used);
      used.add(`${host}:${endpoint.port}`);
      map.set(listener.key, endpoint);
    }
  }
}

async function unusedEndpoint(host: LoopbackEndpoint['host'], used: ReadonlySet<string>): Promise<LoopbackEndpoint> {
  for (let attempt = 0; attempt < maxPortAttempts; attempt++) {
    const port = await freePort(host);
    if (!used.has(`${host}:${port}`)) return { host, port };
  }
  throw new Error(`found no free port on ${host} that this diff session does not use already, in ${maxPortAttempts} attempts`);
}
