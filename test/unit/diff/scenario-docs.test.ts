/**
 * docs/diff.md documents every field of schemas/scenario.schema.json, so
 * that a field added to the schema cannot stay undocumented. Fields are
 * named by path, such as `request.client` or `clients.NAME.address`. Step
 * kinds drop the `steps` prefix, and a definition used in several places is
 * named where it first appears.
 */

import { readdirSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { packagePath } from '../../../src/paths.js';
import { loadScenarioText } from '../../../src/diff/scenario/load.js';
import { schemaPropertyPaths, type SchemaNode } from '../../helpers/schema-paths.js';

const schema = JSON.parse(readFileSync(packagePath('schemas', 'scenario.schema.json'), 'utf8')) as SchemaNode & { $defs: Record<string, SchemaNode> };
const docs = readFileSync(packagePath('docs', 'diff.md'), 'utf8');
const fieldPaths = () => schemaPropertyPaths(schema, 'steps');

describe('scenario documentation', () => {
  it('finds the schema fields', () => {
    const paths = fieldPaths();
    expect(paths).toContain('request.client');
    expect(paths).toContain('clients.NAME.connections.NAME.port');
    expect(paths).toContain('set_cookie.client');
  });

  it.each(fieldPaths())('documents %s', (path) => {
    expect(docs).toContain(`\`${path}\``);
  });

  it('shows scenario examples that load', () => {
    const examples = [...docs.matchAll(/```yaml\n(h2sticky-scenario: 1\n[\s\S]*?)```/g)].map((match) => match[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const example of examples) {
      // Paths in the examples are relative to fixtures/scenarios, as for the bundled scenarios.
      const { problems } = loadScenarioText(example, 'example.yaml', packagePath('fixtures', 'scenarios', 'example.yaml'));
      expect(problems).toEqual([]);
    }
  });
});

describe('proxy-divergences docs', () => {
  const folder = packagePath('fixtures', 'scenarios', 'proxy-divergences');
  const scenarioCount = readdirSync(folder).filter((name) => name.endsWith('.yaml')).length;
  const readme = readFileSync(`${folder}/README.md`, 'utf8');
  const emptyNote = 'It contains no scenario now';

  it('match the folder contents', () => {
    expect(docs.includes(emptyNote)).toBe(scenarioCount === 0);
    expect(readme.includes(emptyNote)).toBe(scenarioCount === 0);
  });

  it('name where --random writes', () => {
    const paragraph = docs.slice(docs.indexOf('`fixtures/scenarios/proxy-divergences/`'));
    expect(paragraph).toMatch(/^[^\n]*\n[^\n]*\n[^\n]*`diff-failures\/`/);
    expect(readme).toContain('`diff-failures/`');
    expect(readme).not.toMatch(/writes\s+such a scenario when it finds one/);
  });
});
