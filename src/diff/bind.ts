/**
 * Checks a scenario against its spec: every backend a step or expectation
 * names exists, and every connection finds a listener that serves its
 * protocol. Problems point into the scenario file.
 */

import type { Problem } from '../problems.js';
import type { SpecDocument, SpecListener } from '../spec/types.js';
import { listenerKey } from './listeners.js';
import type { Scenario, ScenarioRequest } from './scenario/types.js';
import type { ConnectionRoute } from './step-runner.js';

export interface BoundScenario {
  routes: Map<string, ConnectionRoute>;
  problems: Problem[];
}

export function bindScenario(scenario: Scenario, spec: SpecDocument, backendNames: readonly string[]): BoundScenario {
  const problems: Problem[] = [];
  const problem = (code: string, pointer: string, message: string, hint: string) => {
    const position = scenario.locate(pointer);
    problems.push({ code, severity: 'error', message, hint, file: scenario.file, line: position.line, column: position.column, pointer });
  };

  const known = new Set(backendNames);
  const checkBackend = (name: string, pointer: string) => {
    if (name.startsWith('@') || known.has(name)) return;
    problem('scenario.unknown-backend', pointer, `unknown backend "${name}"`, `use one of ${backendNames.join(', ')}: UPSTREAM.N is the N-th server of that upstream in the spec`);
  };
  const checkRequest = (request: ScenarioRequest) => {
    const expect = request.expect;
    if (!expect) return;
    if (expect.backend !== undefined) checkBackend(expect.backend, `${request.pointer}/expect/backend`);
    if (expect.notBackend !== undefined) checkBackend(expect.notBackend, `${request.pointer}/expect/not_backend`);
    if (expect.cookie !== undefined && expect.cookie !== 'none') checkBackend(expect.cookie, `${request.pointer}/expect/cookie`);
    for (const [index, name] of (expect.tried ?? []).entries()) checkBackend(name, `${request.pointer}/expect/tried/${index}`);
  };

  for (const { name, pointer } of scenario.invalidStepBackends ?? []) checkBackend(name, pointer);
  for (const step of scenario.steps) {
    if (step.kind === 'backend') checkBackend(step.backend, `${step.pointer}/backend/name`);
    if (step.kind === 'request') checkRequest(step.request);
    if (step.kind === 'streams') step.requests.forEach(checkRequest);
  }

  const routes = new Map<string, ConnectionRoute>();
  for (const client of scenario.clients) {
    for (const connection of client.connections) {
      const pointer = `/clients/${client.name}/connections/${connection.name}`;
      const route = routeFor(spec, connection.protocol, connection.port, connection.address);
      if ('error' in route) {
        problem('scenario.no-listener', pointer, `connection "${connection.name}" of client "${client.name}": ${route.error}`, route.hint);
        continue;
      }
      routes.set(`${client.name}/${connection.name}`, route);
    }
  }
  return { routes, problems };
}

function routeFor(spec: SpecDocument, protocol: ConnectionRoute['protocol'] | 'auto', port: number | undefined, address: string | undefined): ConnectionRoute | { error: string; hint: string } {
  const listeners = (spec.servers ?? []).flatMap((server) => (server.listen ?? []).map((listener) => ({ listener, authority: server.server_names?.find((name) => /^[A-Za-z0-9.-]+$/.test(name)) ?? 'localhost' })));
  const candidates = listeners.filter(({ listener }) => (port === undefined || listener.port === port) && (address === undefined || (listener.address ?? '*') === address));
  if (candidates.length === 0) {
    const known = [...new Set(listeners.map(({ listener }) => listenerKey(listener)))].join(', ');
    return { error: `the spec has no listener on ${describeListener(port, address)}`, hint: `use an address and port the spec listens on: ${known}` };
  }

  const serves: Record<ConnectionRoute['protocol'], (listener: SpecListener) => boolean> = {
    h2: (listener) => listener.tls === true && listener.http2 === true,
    h2c: (listener) => listener.tls !== true && listener.http2 === true,
    http1: (listener) => listener.tls !== true && listener.h2c_only !== true,
    'http1-tls': (listener) => listener.tls === true,
  };
  const order: ConnectionRoute['protocol'][] = protocol === 'auto' ? ['h2', 'h2c', 'http1'] : [protocol];
  for (const wanted of order) {
    const found = candidates.find(({ listener }) => serves[wanted](listener));
    if (found) return { protocol: wanted, listener: listenerKey(found.listener), authority: found.authority };
  }

  // A plain port that the spec keeps HTTP/2-only still takes HTTP/1.1 connections, which nginx then rejects; a scenario may show that.
  if (protocol === 'http1') {
    const plain = candidates.find(({ listener }) => listener.tls !== true);
    if (plain) return { protocol, listener: listenerKey(plain.listener), authority: plain.authority };
  }
  const where = port === undefined && address === undefined ? 'the spec has no listener' : `the listener on ${describeListener(port, address)} is not one`;
  return { error: `${where} that serves ${protocol === 'auto' ? 'HTTP' : protocol}`, hint: 'pick another protocol or port for the connection, or add such a listener to the spec' };
}

/** Names the listener a connection requests: `port 8443`, `address [::1]` or `[::1]:8443`. */
function describeListener(port: number | undefined, address: string | undefined): string {
  if (address === undefined) return `port ${port}`;
  if (port === undefined) return `address ${address}`;
  return listenerKey({ address, port });
}
