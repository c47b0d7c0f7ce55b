import { describe, expect, it } from 'vitest';

import { loadScenarioText } from '../../../src/diff/scenario/load.js';

const header = 'h2sticky-scenario: 1\n';

function load(body: string) {
  return loadScenarioText(`${header}${body}`, 'case.yaml', '/scenarios/case.yaml');
}

describe('scenario loader', () => {
  it('fills defaults for a minimal scenario', () => {
    const { scenario, problems } = load('steps:\n  - request: {}\n');
    expect(problems).toEqual([]);
    expect(scenario!.name).toBe('case');
    expect(scenario!.clients).toEqual([{ name: 'client', address: '127.0.0.1', connections: [{ name: 'main', protocol: 'auto' }] }]);
    expect(scenario!.responseHeaders).toEqual(['content-type', 'server', 'x-backend']);
    const step = scenario!.steps[0]!;
    expect(step.kind).toBe('request');
    if (step.kind !== 'request') return;
    expect(step.request).toMatchObject({ client: 'client', connection: 'main', method: 'GET', path: '/', headers: {}, pointer: '/steps/0/request' });
  });

  it('resolves a spec path against the scenario file', () => {
    const { scenario } = load('spec: ../specs/shop.yaml\nsteps:\n  - wait: 2s\n');
    expect(scenario!.spec).toEqual({ kind: 'file', path: '/specs/shop.yaml' });
    const wait = scenario!.steps[0]!;
    expect(wait.kind).toBe('wait');
    expect(wait.kind === 'wait' ? wait.ms : undefined).toBe(2000);
  });

  it('locates an unknown step kind with a suggestion', () => {
    const { scenario, problems } = load('steps:\n  - requets: {}\n');
    expect(scenario).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'scenario.schema.additionalProperties', line: 3, column: 5, pointer: '/steps/0/requets' });
    expect(problems[0]!.hint).toContain('did you mean "request"?');
  });

  it('rejects a step with two kinds', () => {
    const { problems } = load('steps:\n  - { wait: 1s, reconnect: {} }\n');
    expect(problems.map((problem) => problem.code)).toEqual(['scenario.schema.maxProperties']);
    expect(problems[0]!.message).toBe('item 1 of "steps" must have at most 1 entry');
  });

  it('reports unknown clients, connections and labels together', () => {
    const text = [
      'clients:',
      '  alice: {}',
      'steps:',
      '  - request: { client: bob }',
      '  - request: { connection: spare }',
      '  - request: { expect: { backend: "@first" } }',
      '  - request: { label: first }',
      '',
    ].join('\n');
    const { scenario, problems } = load(text);
    expect(scenario).toBeUndefined();
    expect(problems.map((problem) => [problem.code, problem.pointer, problem.line])).toEqual([
      ['scenario.unknown-client', '/steps/0/request/client', 5],
      ['scenario.unknown-connection', '/steps/1/request/connection', 6],
      ['scenario.unknown-label', '/steps/2/request/expect/backend', 7],
    ]);
    expect(problems[0]!.hint).toBe('use one of "alice", or add it under "clients"');
  });

  it('reports schema and semantic problems together', () => {
    const { scenario, problems } = load(
      [
        'clients:',
        '  alice:',
        '    address: 10.0.0.1',
        'steps:',
        '  - request: { client: nobody }',
        '  - request: { path: no-slash, label: first }',
        '  - request: { expect: { backend: "@first" } }',
        '  - request: { expect: { backend: "@missing" } }',
        '  - wiat: 1s',
        '',
      ].join('\n'),
    );

    expect(scenario).toBeUndefined();
    expect(problems.map((problem) => [problem.code, problem.line, problem.column, problem.pointer])).toEqual([
      ['scenario.schema.pattern', 4, 14, '/clients/alice/address'],
      ['scenario.unknown-client', 6, 24, '/steps/0/request/client'],
      ['scenario.schema.pattern', 7, 22, '/steps/1/request/path'],
      ['scenario.unknown-label', 9, 35, '/steps/3/request/expect/backend'],
      ['scenario.schema.additionalProperties', 10, 5, '/steps/4/wiat'],
    ]);
  });

  it('keeps the valid parts of an invalid scenario', () => {
    const { scenario, partial, problems } = load(
      [
        'spec: ../specs/shop.yaml',
        'clients:',
        '  browser:',
        '    connections:',
        '      good: { protocol: h2c }',
        '      bad: { protocol: h3 }',
        'steps:',
        '  - request: { client: browser, connection: other, expect: { backend: app.1 } }',
        '  - request: { path: nope, expect: { backend: api.7, tried: [app.2, 3] } }',
        '  - backend: { name: app.8, action: explode }',
        '',
      ].join('\n'),
    );

    expect(scenario).toBeUndefined();
    expect(problems.map((problem) => problem.pointer)).toEqual(['/clients/browser/connections/bad/protocol', '/steps/0/request/connection', '/steps/1/request/path', '/steps/1/request/expect/tried/1', '/steps/2/backend/action']);
    expect(partial!.spec).toEqual({ kind: 'file', path: '/specs/shop.yaml' });
    expect(partial!.clients[0]!.connections.map((connection) => connection.name)).toEqual(['good']);
    expect(partial!.steps.map((step) => step.pointer)).toEqual(['/steps/0']);
    expect(partial!.invalidStepBackends).toEqual([
      { name: 'api.7', pointer: '/steps/1/request/expect/backend' },
      { name: 'app.2', pointer: '/steps/1/request/expect/tried/0' },
      { name: 'app.8', pointer: '/steps/2/backend/name' },
    ]);
  });

  it('keeps no partial scenario without a valid spec', () => {
    const { partial, problems } = load('spec: 7\nsteps:\n  - request: { expect: { backend: app.9 } }\n');

    expect(problems.map((problem) => problem.pointer)).toEqual(['/spec']);
    expect(partial).toBeUndefined();
  });

  it('rejects streams on an HTTP/1.1 connection', () => {
    const text = ['clients:', '  alice:', '    connections:', '      h1: { protocol: http1 }', 'steps:', '  - streams: { requests: [{}, {}] }', ''].join('\n');
    const { problems } = load(text);
    expect(problems.map((problem) => problem.code)).toEqual(['scenario.streams-http1']);
  });

  it('checks backend actions and their values', () => {
    const text = [
      'steps:',
      '  - backend: { name: app.1, action: status }',
      '  - backend: { name: app.1, action: stop, delay: 2s }',
      '  - backend: { name: app, action: stop }',
      '  - wait: 90s',
      '',
    ].join('\n');
    const { problems } = load(text);
    expect(problems.map((problem) => problem.code)).toEqual(['scenario.missing-status', 'scenario.unused-delay', 'scenario.schema.pattern', 'scenario.wait-too-long']);
    expect(problems[2]!.pointer).toBe('/steps/2/backend/name');
  });

  it('lets a request refer to its own label', () => {
    const { problems } = load('steps:\n  - request: { label: bound, expect: { cookie: "@bound" } }\n');
    expect(problems).toEqual([]);
  });

  it('reports YAML syntax errors with the scenario code', () => {
    const { problems } = load('steps: [\n');
    expect(problems[0]!.code).toBe('scenario.syntax');
    expect(problems[0]!.file).toBe('case.yaml');
  });

  it('rejects connection headers on HTTP/2', () => {
    const names = ['te', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'];
    const steps = names.map((name) => `  - request: { path: /x, headers: { ${name}: gzip } }\n`).join('');
    const { problems } = load(`steps:\n${steps}`);

    expect(problems.map((problem) => problem.pointer)).toEqual(names.map((name, index) => `/steps/${index}/request/headers/${name}`));
    expect(problems[0]).toMatchObject({ code: 'scenario.http2-connection-header', file: 'case.yaml', line: 3 });
    expect(problems[0]!.column).toBeGreaterThan(1);
    expect(problems[0]!.hint).toContain('RFC 9113 section 8.2.2');
    expect(problems[0]!.hint).toContain('te: trailers');
    expect(problems[0]!.hint).toContain('protocol http1');
  });

  it('allows te trailers on HTTP/2', () => {
    const { problems } = load('steps:\n  - request: { headers: { te: trailers } }\n');
    expect(problems).toEqual([]);
  });

  it('allows connection headers on HTTP/1.1', () => {
    const clients = 'clients:\n  old:\n    connections:\n      plain: { protocol: http1 }\n';
    const { problems } = load(`${clients}steps:\n  - request: { client: old, headers: { te: gzip, connection: keep-alive } }\n`);
    expect(problems).toEqual([]);
  });
});
