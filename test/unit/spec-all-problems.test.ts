import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { validateLoadedSpec } from '../../src/compile.js';
import { loadSpecText } from '../../src/spec/load.js';

function validate(text: string): { code: string; pointer: string | undefined }[] {
  return validateLoadedSpec(loadSpecText(text, 'spec.yaml')).problems.map((problem) => ({ code: problem.code, pointer: problem.pointer }));
}

const listenerWithoutCertificate = `h2sticky: 1
target:
  nginx: "1.22.1"
upstreams:
  app:
    servers:
      - address: 127.0.0.1:9001
servers:
  - listen:
      - port: 8443
        tls: true
        http2: true
      - port: 8080
        http2: true
    locations:
      - path: /
        upstream: app
`;

describe('spec with schema errors', () => {
  it('reports semantic problems too', () => {
    const problems = validate(readFileSync('fixtures/specs/invalid/schema-and-semantic-errors.yaml', 'utf8'));

    expect(problems).toEqual([
      { code: 'spec.schema.type', pointer: '/upstreams/app/servers/0/weight' },
      { code: 'spec.schema.additionalProperties', pointer: '/upstreams/app/affinity/expire' },
      { code: 'spec.schema.type', pointer: '/servers/0/listen/2/port' },
      { code: 'spec.schema.additionalProperties', pointer: '/servers/0/locations/0/colour' },
      { code: 'spec.emulated-cookie-name', pointer: '/upstreams/app/affinity/name' },
      { code: 'spec.samesite-none-insecure', pointer: '/upstreams/app/affinity/samesite' },
      { code: 'spec.plain-http2-listener', pointer: '/servers/0/listen/1/http2' },
      { code: 'spec.tls-missing', pointer: '/servers/0' },
      { code: 'spec.unknown-upstream', pointer: '/servers/0/locations/1/upstream' },
    ]);
  });

  it('skips tls-missing after a misspelled tls', () => {
    const problems = validate(`${listenerWithoutCertificate}    tsl:\n      certificate: /etc/a.crt\n      key: /etc/a.key\n`);

    expect(problems.map((problem) => problem.code)).toContain('spec.schema.additionalProperties');
    expect(problems.map((problem) => problem.code)).not.toContain('spec.tls-missing');
    expect(problems.map((problem) => problem.code)).toContain('spec.plain-http2-listener');
  });

  it('skips version checks for an invalid version', () => {
    const problems = validate(listenerWithoutCertificate.replace('nginx: "1.22.1"', 'nginx: 1.22'));

    expect(problems).toContainEqual({ code: 'spec.schema.type', pointer: '/target/nginx' });
    expect(problems.map((problem) => problem.code)).not.toContain('spec.plain-http2-listener');
    expect(problems.map((problem) => problem.code)).not.toContain('spec.target');
    expect(problems).toContainEqual({ code: 'spec.tls-missing', pointer: '/servers/0' });
  });

  it('keeps an invalid upstream known', () => {
    const problems = validate(listenerWithoutCertificate.replace('      - address: 127.0.0.1:9001\n', '      - address: 127.0.0.1:9001\n    zone: 0\n'));

    expect(problems).toContainEqual({ code: 'spec.schema.type', pointer: '/upstreams/app/zone' });
    expect(problems.map((problem) => problem.code)).not.toContain('spec.unknown-upstream');
    expect(problems.map((problem) => problem.code)).not.toContain('spec.unused-upstream');
  });

  it('skips unused-upstream after a misspelled upstream key', () => {
    const problems = validate(listenerWithoutCertificate.replace('        upstream: app', '        upstrem: app'));

    expect(problems.map((problem) => problem.code)).toContain('spec.schema.additionalProperties');
    expect(problems.map((problem) => problem.code)).not.toContain('spec.unused-upstream');
  });

  it('checks retries beside an unknown upstream', () => {
    const problems = validate(listenerWithoutCertificate.replace('        upstream: app\n', '        upstream: ap\n        retries:\n          conditions: [off, error]\n'));

    expect(problems).toContainEqual({ code: 'spec.unknown-upstream', pointer: '/servers/0/locations/0/upstream' });
    expect(problems).toContainEqual({ code: 'spec.retries-off', pointer: '/servers/0/locations/0/retries/conditions' });
  });

  it('reports a missing affinity mode once', () => {
    const problems = validate(listenerWithoutCertificate.replace('      - address: 127.0.0.1:9001\n', '      - address: 127.0.0.1:9001\n    affinity:\n      name: srv_id\n'));

    expect(problems.filter((problem) => problem.pointer === '/upstreams/app/affinity')).toEqual([{ code: 'spec.schema.required', pointer: '/upstreams/app/affinity' }]);
  });
});

describe('misspelt required property', () => {
  const misspeltAddress = `h2sticky: 1
upstreams:
  app:
    servers:
      - adress: 127.0.0.1:9001
servers:
  - listen:
      - port: 8080
    locations:
      - path: /
        upstream: app
`;

  it('reports the typo once', () => {
    const problems = validateLoadedSpec(loadSpecText(misspeltAddress, 'spec.yaml')).problems;

    expect(problems).toHaveLength(1);
    expect(problems[0]!.code).toBe('spec.schema.additionalProperties');
    expect(problems[0]!.pointer).toBe('/upstreams/app/servers/0/adress');
    expect(problems[0]!.message).toBe('unknown property "adress" in item 1 of "servers", so the required property "address" is missing');
    expect(problems[0]!.hint).toBe('did you mean "address"? Rename "adress" to "address"');
  });

  it('keeps a missing property without a near miss', () => {
    const problems = validate(misspeltAddress.replace('adress', 'weight: 2\n        host'));

    expect(problems).toContainEqual({ code: 'spec.schema.required', pointer: '/upstreams/app/servers/0' });
    expect(problems).toContainEqual({ code: 'spec.schema.additionalProperties', pointer: '/upstreams/app/servers/0/host' });
  });
});

describe('affinity list hint', () => {
  it('shows the list form for a scalar create', () => {
    const text = [
      'h2sticky: 1',
      'target: { nginx: "1.30" }',
      'upstreams:',
      '  app:',
      '    servers: [{ address: 127.0.0.1:9001 }]',
      '    affinity: { mode: learn, create: $upstream_http_x_port, lookup: [$cookie_x_port], zone_size: 1m }',
      'servers:',
      '  - listen: [{ port: 8080 }]',
      '    locations: [{ path: /, upstream: app }]',
      '',
    ].join('\n');
    const problems = validateLoadedSpec(loadSpecText(text, 'spec.yaml')).problems;
    const create = problems.find((problem) => problem.pointer === '/upstreams/app/affinity/create');

    expect(create?.message).toBe('"create" must be a list, not "$upstream_http_x_port"');
    expect(create?.hint).toBe('write it as a list, even for one item: create: [$upstream_http_x_port]');
  });
});
