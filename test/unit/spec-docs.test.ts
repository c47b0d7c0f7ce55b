/**
 * docs/guide.md documents every property of schemas/spec.schema.json, so
 * that a property added to the schema cannot stay undocumented. A property
 * counts as documented when the guide names it in backquotes or writes it as
 * a YAML key (`name:`), as its examples do. Properties are listed by path,
 * such as `upstreams.NAME.servers.address`, so a failure says where the
 * property sits.
 */

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { packagePath } from '../../src/paths.js';
import { schemaPropertyPaths, type SchemaNode } from '../helpers/schema-paths.js';

const schema = JSON.parse(readFileSync(packagePath('schemas', 'spec.schema.json'), 'utf8')) as SchemaNode & { $defs: Record<string, SchemaNode> };
const guide = readFileSync(packagePath('docs', 'guide.md'), 'utf8');

function isDocumented(path: string): boolean {
  const key = path.split('.').at(-1)!;
  return guide.includes(`\`${key}\``) || new RegExp(`(^|[\\s{,\`])${key}:`, 'm').test(guide);
}

describe('spec documentation', () => {
  it('finds the schema properties', () => {
    const paths = schemaPropertyPaths(schema);
    expect(paths).toContain('runtime.worker_connections');
    expect(paths).toContain('logging.access_log');
    expect(paths).toContain('upstreams.NAME.servers.address');
    expect(paths).toContain('upstreams.NAME.affinity.samesite');
    expect(paths).toContain('servers.locations.retries.tries');
  });

  it.each(schemaPropertyPaths(schema))('documents %s', (path) => {
    expect(isDocumented(path)).toBe(true);
  });
});
