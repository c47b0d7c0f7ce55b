/**
 * Validation of broken specs. The checks between parts of the spec also run
 * when the schema check failed, so they must cope with any document: random
 * mutations of the example specs (a value replaced by one of another type, a
 * key removed, an unknown key added) give problems and never an exception.
 * No check may report another error at the place of a schema error.
 */

import { readFileSync } from 'node:fs';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { validateLoadedSpec } from '../../src/compile.js';
import { loadSpecText } from '../../src/spec/load.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const exampleSpecs = ['fixtures/specs/shop.yaml', 'fixtures/specs/modern.yaml', 'fixtures/specs/features.yaml'].map(
  (file) => parse(readFileSync(file, 'utf8')) as Json,
);

/** Schema keywords after which the values below the failed one are still checked. */
const keywordsThatKeepChildren = new Set(['required', 'additionalProperties', 'propertyNames', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'uniqueItems']);

type Mutation = { kind: 'replace'; path: number; value: Json } | { kind: 'delete'; path: number } | { kind: 'add'; path: number; key: string; value: Json };

const anyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 70_000 }),
  fc.constantFrom('', 'x', 'none', 'cookie', 'hash', 'max', '1.22.1', '1.30', '127.0.0.1:9001', '1s', '500ms', '16k', 'app', '/', '$host', 'grpc', 'http2', 'off', '{'),
  fc.constant<Json>([]),
  fc.constant<Json>({}),
  fc.array(fc.constantFrom('a', 'off', 'error', 'timeout'), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('mode', 'name', 'port', 'tls', 'address'), fc.constantFrom<Json>('cookie', 1, true, 'x'), { maxKeys: 2 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), path: fc.nat(), value: anyValue }),
  fc.record({ kind: fc.constant('delete' as const), path: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), path: fc.nat(), key: fc.constantFrom('colour', 'tsl', 'upstrem', 'expire', 'mode', 'tls'), value: anyValue }),
);

/** Lists the paths of every value in the document, the root first. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const result = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => result.push(...paths(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) result.push(...paths(item, [...prefix, key]));
  return result;
}

function mutate(document: Json, mutations: readonly Mutation[]): Json {
  let result = structuredClone(document);
  for (const change of mutations) {
    const all = paths(result);
    const path = all[change.path % all.length]!;
    if (path.length === 0) {
      if (change.kind === 'replace') result = change.value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<Json>((node, segment) => (node as Record<string | number, Json>)[segment]!, result) as Record<string | number, Json>;
    const last = path[path.length - 1]!;
    if (change.kind === 'replace') parent[last] = change.value;
    else if (change.kind === 'delete') Array.isArray(parent) ? parent.splice(Number(last), 1) : delete parent[last];
    else {
      const target = parent[last];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) target[change.key] = change.value;
    }
  }
  return result;
}

function isBelow(pointer: string, ancestor: string): boolean {
  return ancestor === '' || pointer.startsWith(`${ancestor}/`);
}

describe('validate on mutated specs', () => {
  it('reports problems and never throws', () => {
    fc.assert(
      fc.property(fc.constantFrom(...exampleSpecs), fc.array(mutation, { minLength: 1, maxLength: 3 }), (example, mutations) => {
        const text = stringify(mutate(example, mutations));

        const { problems } = validateLoadedSpec(loadSpecText(text, 'spec.yaml'));

        const schemaProblems = problems.filter((problem) => problem.code.startsWith('spec.schema.'));
        if (schemaProblems.length > 0) expect(problems.some((problem) => problem.severity === 'error')).toBe(true);
        for (const problem of problems) {
          expect(problem.file).toBe('spec.yaml');
          if (problem.pointer !== undefined) expect(problem.line).toBeGreaterThan(0);
        }

        const otherErrors = problems.filter((problem) => !problem.code.startsWith('spec.schema.') && problem.pointer !== undefined);
        for (const error of otherErrors) {
          const restated = schemaProblems.find(
            (schema) =>
              schema.pointer === error.pointer || (isBelow(error.pointer!, schema.pointer ?? '') && !keywordsThatKeepChildren.has(schema.code.split('.').at(-1)!)),
          );
          expect(restated, `${error.code} at ${error.pointer} besides ${restated?.code} at ${restated?.pointer}`).toBeUndefined();
        }
      }),
      { seed: 20_260_402, numRuns: 1000 },
    );
  });
});
