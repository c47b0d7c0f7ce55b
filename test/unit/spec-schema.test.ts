import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { loadSpecSchema } from '../../src/spec/schema-check.js';
import { exampleSpec } from '../../src/cli/init.js';
import { compileSpecText } from '../../src/compile.js';

type Schema = Record<string, unknown>;

/** Every property schema in the document, with its JSON pointer. */
function properties(node: unknown, pointer = ''): { pointer: string; schema: Schema }[] {
  if (typeof node !== 'object' || node === null) return [];
  const found: { pointer: string; schema: Schema }[] = [];
  for (const [key, value] of Object.entries(node as Schema)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const [name, schema] of Object.entries(value as Schema)) found.push({ pointer: `${pointer}/properties/${name}`, schema: schema as Schema });
    }
    found.push(...properties(value, `${pointer}/${key}`));
  }
  return found;
}

describe('spec schema', () => {
  const schema = loadSpecSchema();
  const definitions = schema.$defs as Record<string, Schema>;

  it('is JSON Schema 2020-12', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('describes every property', () => {
    const missing = properties(schema)
      .filter(({ schema: property }) => {
        if (typeof property.description === 'string') return false;
        const reference = typeof property.$ref === 'string' ? definitions[property.$ref.replace('#/$defs/', '')] : undefined;
        return typeof reference?.description !== 'string';
      })
      .map(({ pointer }) => pointer);
    expect(missing).toEqual([]);
  });

  it('gives a fix for every pattern', () => {
    const withoutFix = properties(schema)
      .map(({ pointer, schema: property }) => ({ pointer, property: typeof property.$ref === 'string' ? definitions[property.$ref.replace('#/$defs/', '')]! : property }))
      .filter(({ property }) => typeof property.pattern === 'string' && typeof property['x-fix'] !== 'string')
      .map(({ pointer }) => pointer);
    expect(withoutFix).toEqual([]);
  });

  it('accepts every example spec', () => {
    for (const file of ['shop.yaml', 'features.yaml', 'modern.yaml']) {
      const result = compileSpecText(readFileSync(`fixtures/specs/${file}`, 'utf8'), file);
      expect(result.problems.filter((problem) => problem.severity === 'error'), file).toEqual([]);
    }
  });

  it('accepts the spec that init writes, for each edition', async () => {
    for (const edition of ['oss', 'plus'] as const) {
      for (const version of ['1.22', '1.26', '1.30']) {
        const result = compileSpecText(await exampleSpec('h2sticky.yaml', version, edition), 'h2sticky.yaml');
        expect(result.problems.filter((problem) => problem.severity === 'error'), `${version} ${edition}`).toEqual([]);
      }
    }
  });
});
