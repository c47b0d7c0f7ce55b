/**
 * No spec value can add nginx syntax: for random strings with the characters
 * that matter to nginx's tokenizer, every field either rejects the value with
 * an error at that field, or compiles to a config with exactly the structure
 * of a harmless value, which real nginx -t accepts.
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { compileSpecText } from '../../src/compile.js';
import { openNginxChecker, type NginxChecker } from '../../src/nginx/runner/test-config.js';
import type { NginxSource } from '../../src/nginx/runner/source.js';
import { featureLevels } from '../../src/nginx/runner/images.js';
import { findNginxImageSource, useOrSkip, type Availability } from '../helpers/environment.js';
import { countStructure } from '../helpers/nginx-tokens.js';

type Spec = Record<string, any>;

interface Field {
  name: string;
  pointer: string;
  benign: string;
  set: (spec: Spec, value: string) => void;
  /** nginx errors about what an accepted value means on this machine (a name that does not resolve, a file that does not exist), not about syntax. */
  environmental?: RegExp;
}

const certificateDirectory = resolve('fixtures/tls');

function baseSpec(): Spec {
  const spec = parse(readFileSync('fixtures/specs/shop.yaml', 'utf8')) as Spec;
  spec.target.nginx = '1.30.6';
  spec.servers[0].tls = { certificate: `${certificateDirectory}/test.crt`, key: `${certificateDirectory}/test.key` };
  return spec;
}

const fields: Field[] = [
  { name: 'cookie name', pointer: '/upstreams/app/affinity/name', benign: 'srv_id', set: (spec, value) => (spec.upstreams.app.affinity.name = value) },
  { name: 'cookie domain', pointer: '/upstreams/app/affinity/domain', benign: 'example.com', set: (spec, value) => (spec.upstreams.app.affinity.domain = value) },
  { name: 'cookie path', pointer: '/upstreams/app/affinity/path', benign: '/shop', set: (spec, value) => (spec.upstreams.app.affinity.path = value) },
  { name: 'server name', pointer: '/servers/0/server_names/0', benign: 'shop.example.com', set: (spec, value) => (spec.servers[0].server_names[0] = value) },
  { name: 'prefix location', pointer: '/servers/0/locations/1/path', benign: '/api/', set: (spec, value) => (spec.servers[0].locations[1].path = value) },
  {
    name: 'regex location',
    pointer: '/servers/0/locations/1/path',
    benign: '^/api/v[0-9]+/',
    set: (spec, value) => {
      spec.servers[0].locations[1].path = value;
      spec.servers[0].locations[1].match = 'regex';
    },
  },
  {
    name: 'header value',
    pointer: '/servers/0/locations/0/headers/X-Tenant',
    benign: 'shop $host',
    set: (spec, value) => (spec.servers[0].locations[0].headers = { 'X-Tenant': value }),
  },
  {
    name: 'hash key',
    pointer: '/upstreams/api/balance/key',
    benign: '$cookie_sid',
    set: (spec, value) => (spec.upstreams.api.balance = { method: 'hash', key: value }),
  },
  { name: 'route', pointer: '/upstreams/app/servers/0/route', benign: 'a1', set: (spec, value) => (spec.upstreams.app.servers[0].route = value) },
  {
    name: 'server address',
    pointer: '/upstreams/api/servers/0/address',
    benign: '127.0.0.1:9101',
    set: (spec, value) => (spec.upstreams.api.servers[0].address = value),
    environmental: /host not found in upstream/,
  },
  {
    name: 'certificate path',
    pointer: '/servers/0/tls/certificate',
    benign: `${certificateDirectory}/test.crt`,
    set: (spec, value) => (spec.servers[0].tls.certificate = value),
    environmental: /cannot load certificate/,
  },
];

/** Strings built from the characters nginx's tokenizer cares about, plus arbitrary text. */
const hostile = fc.oneof(
  fc.stringMatching(/^[a-z0-9./^$_ ;{}"'\\#\n\r\t-]{1,16}$/),
  fc.constantFrom('x; include /etc/passwd', 'a}\nserver {', '"', "'", '\\', 'a\nb', '#x', '${x}', 'a b', '/a;b', '/a"b', '$host;', ''),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

let found: Availability<NginxSource>;
let checker: NginxChecker | undefined;

beforeAll(async () => {
  found = await findNginxImageSource(featureLevels.nativeSticky);
  if (found.available) checker = await openNginxChecker({ source: found.value, mounts: [certificateDirectory] });
});
afterAll(async () => {
  await checker?.close();
});

describe('spec values', () => {
  it.for(fields)('$name cannot add nginx syntax', { timeout: 300_000 }, async (field, context) => {
    useOrSkip(context, found);
    const compile = (value: string) => {
      const spec = baseSpec();
      field.set(spec, value);
      return compileSpecText(stringify(spec), 'shop.yaml');
    };
    const benign = compile(field.benign);
    expect(benign.config, JSON.stringify(benign.problems)).toBeDefined();
    const expected = countStructure(benign.config!);

    await fc.assert(
      fc.asyncProperty(hostile, async (value) => {
        const result = compile(value);
        if (result.config === undefined) {
          const located = result.problems.find((problem) => problem.severity === 'error' && problem.pointer === field.pointer);
          expect(located, `${JSON.stringify(value)} was rejected, but not at ${field.pointer}: ${JSON.stringify(result.problems)}`).toBeDefined();
          return;
        }
        expect(countStructure(result.config)).toEqual(expected);
        const check = await checker!.check({ config: result.config, layout: 'full', fileName: 'injected.conf' });
        if (!check.ok && field.environmental?.test(check.output)) return;
        expect(check.ok, `${JSON.stringify(value)} was accepted, but nginx rejected the config:\n${check.output}`).toBe(true);
      }),
      { seed: 4242, numRuns: 150, endOnFailure: true },
    );
  });
});
