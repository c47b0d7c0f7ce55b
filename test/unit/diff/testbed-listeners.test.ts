/**
 * The diff harness's loopback rewrite: one socket per distinct spec listener,
 * IPv6 listeners on ::1, compile problems located in the user's spec, and an
 * error that only the rewrite has raised as an internal error.
 */

import { describe, expect, it } from 'vitest';

import { defineCommand, type CliIO } from '../../../src/cli/command.js';
import { runCommands } from '../../../src/cli/main.js';
import { bindScenario } from '../../../src/diff/bind.js';
import { allocateListeners, hasIpv6Loopback, specListeners, type LoopbackEndpoint } from '../../../src/diff/listeners.js';
import { loadScenarioText } from '../../../src/diff/scenario/load.js';
import { compileForVersion, loopbackSpec, type ResolvedSpec } from '../../../src/diff/testbed.js';
import { InternalError } from '../../../src/problems.js';
import { loadSpecText } from '../../../src/spec/load.js';
import type { SpecDocument } from '../../../src/spec/types.js';

const dualStackSpec = `h2sticky: 1
upstreams:
  app:
    servers:
      - address: 10.0.0.1:8080
servers:
  - listen:
      - address: 127.0.0.1
        port: 18443
        http2: true
      - address: "[::1]"
        port: 18443
        http2: true
      - port: 18080
    locations:
      - path: /
        upstream: app
`;

function resolved(text: string, fileName = 'mine.yaml'): ResolvedSpec {
  const loaded = loadSpecText(text, fileName).spec!;
  return { document: loaded.data as SpecDocument, fileName, source: { loaded, pointerPrefix: '' } };
}

describe('diff listeners', () => {
  it('lists each address and port once', () => {
    const listeners = specListeners(resolved(dualStackSpec).document);
    expect(listeners).toEqual([
      { key: '127.0.0.1:18443', ipv6: false },
      { key: '[::1]:18443', ipv6: true },
      { key: '*:18080', ipv6: false },
    ]);
  });

  it('gives every listener its own socket', async () => {
    const maps: [Map<string, LoopbackEndpoint>, Map<string, LoopbackEndpoint>] = [new Map(), new Map()];
    await allocateListeners(resolved(dualStackSpec).document, maps);

    const ipv6 = await hasIpv6Loopback();
    expect(maps[0].get('[::1]:18443')?.host).toBe(ipv6 ? '::1' : '127.0.0.1');
    expect(maps[0].get('127.0.0.1:18443')?.host).toBe('127.0.0.1');
    const sockets = maps.flatMap((map) => [...map.values()].map((endpoint) => `${endpoint.host}:${endpoint.port}`));
    expect(sockets).toHaveLength(6);
    expect(new Set(sockets).size).toBe(6);
  });

  it('compiles a dual-stack spec after the rewrite', async () => {
    const spec = resolved(dualStackSpec);
    const maps = [new Map<string, LoopbackEndpoint>()];
    await allocateListeners(spec.document, maps);

    const compiled = compileForVersion(spec, loopbackSpec(spec.document, maps[0]!), '1.30.6', 'scenario.yaml');
    expect(compiled.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(compiled.plan?.servers[0]?.listeners.map((listener) => listener.port)).toEqual([...maps[0]!.values()].map((endpoint) => endpoint.port));
  });

  it('locates version errors in the user spec', async () => {
    const spec = resolved(dualStackSpec);
    const maps = [new Map<string, LoopbackEndpoint>()];
    await allocateListeners(spec.document, maps);

    // nginx before 1.25.1 serves only HTTP/2 on a plain http2 port, which the spec must acknowledge with h2c_only.
    const compiled = compileForVersion(spec, loopbackSpec(spec.document, maps[0]!), '1.22.1', 'scenario.yaml');
    const errors = compiled.problems.filter((problem) => problem.severity === 'error');
    expect(compiled.plan).toBeUndefined();
    expect(errors.map((problem) => [problem.file, problem.line, problem.pointer])).toEqual([
      ['mine.yaml', 10, '/servers/0/listen/0/http2'],
      ['mine.yaml', 13, '/servers/0/listen/1/http2'],
    ]);
    for (const error of errors) expect(error.message).toContain('port 18443');
  });

  it('raises an internal error for a broken rewrite', () => {
    const spec = resolved(dualStackSpec);
    const broken = structuredClone(spec.document);
    broken.servers![0]!.listen = [
      { address: '127.0.0.1', port: 40000, http2: true },
      { address: '127.0.0.1', port: 40000, http2: true },
    ];

    const compile = () => compileForVersion(spec, broken, '1.30.6', 'scenario.yaml');
    expect(compile).toThrow(InternalError);
    expect(compile).toThrow(/rewrote mine\.yaml for loopback.*\n.*listens on 127\.0\.0\.1:40000 twice/);
  });

  it('binds a connection by listener address', () => {
    const spec = resolved(dualStackSpec).document;
    const text = `h2sticky-scenario: 1
clients:
  c:
    connections:
      v4: { protocol: h2c, port: 18443 }
      v6: { protocol: h2c, port: 18443, address: "[::1]" }
      plain: { protocol: http1, address: "*" }
      missing: { protocol: h2c, port: 18443, address: "[::2]" }
steps:
  - request: {}
`;
    const { scenario, problems } = loadScenarioText(text, 'case.yaml');
    expect(problems).toEqual([]);

    const bound = bindScenario(scenario!, spec, ['app.1']);
    expect(bound.routes.get('c/v4')?.listener).toBe('127.0.0.1:18443');
    expect(bound.routes.get('c/v6')?.listener).toBe('[::1]:18443');
    expect(bound.routes.get('c/plain')?.listener).toBe('*:18080');
    expect(bound.problems.map((problem) => problem.message)).toEqual(['connection "missing" of client "c": the spec has no listener on [::2]:18443']);
    expect(bound.problems[0]?.hint).toContain('127.0.0.1:18443, [::1]:18443, *:18080');
  });

  it('exits 4 and asks for a report on an internal error', async () => {
    const spec = resolved(dualStackSpec);
    const broken = structuredClone(spec.document);
    broken.servers![0]!.listen = [
      { address: '127.0.0.1', port: 40000 },
      { address: '127.0.0.1', port: 40000 },
    ];
    const command = defineCommand({
      command: 'rewrite',
      describe: 'compiles a broken rewrite',
      builder: (yargs) => yargs,
      run: async () => {
        compileForVersion(spec, broken, '1.30.6', 'scenario.yaml');
        return 0;
      },
    });
    let stderr = '';
    const io: CliIO = { out: () => undefined, err: (text) => (stderr += text), errIsTTY: false, cwd: process.cwd() };

    const code = await runCommands(['rewrite'], io, [command]);
    expect(code).toBe(4);
    expect(stderr).toMatch(/^h2sticky: internal error: the diff harness rewrote mine\.yaml for loopback/);
    expect(stderr).toContain('please report it');
    expect(stderr).not.toMatch(/^mine\.yaml:\d+/m);
  });
});
