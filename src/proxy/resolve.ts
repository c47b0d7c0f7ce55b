/**
 * Host names of upstream `server` lines, resolved once when a config is
 * loaded, as nginx resolves them at startup and on reload.
 */

import { lookup } from 'node:dns/promises';

import type { Plan } from '../plan/types.js';
import { EnvironmentError } from '../problems.js';
import type { HostResolver } from './core/index.js';

/** Resolves every host name in the Plan's upstreams; raises EnvironmentError naming a host that does not resolve, as nginx fails to start. */
export async function resolvePlanHosts(plan: Plan): Promise<HostResolver> {
  const hosts = new Set<string>();
  for (const upstream of plan.upstreams) {
    for (const peer of upstream.peers) if (peer.endpoint.kind === 'tcp' && peer.endpoint.family === 'hostname') hosts.add(peer.endpoint.host);
  }

  const addresses = new Map<string, string[]>();
  for (const host of hosts) {
    try {
      const found = await lookup(host, { all: true });
      addresses.set(host, found.map((entry) => entry.address));
    } catch (error) {
      throw new EnvironmentError(`host not found in upstream server "${host}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`, `make "${host}" resolvable on this machine, or use an IP address in the spec`);
    }
  }
  return (host) => addresses.get(host) ?? [];
}
