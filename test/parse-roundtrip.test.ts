import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { buildConfig } from '../src/lint/builder.js';
import { parseConfigFile, parseConfigText } from '../src/lint/parser.js';
import { treeShape } from './parse-tree-shape.js';

const fixtureRoot = fileURLToPath(new URL('../fixtures/nginx/', import.meta.url));
const fixtures = readdirSync(fixtureRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('fixtures', () => {
  it('holds at least twenty configurations', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });
});

describe.each(fixtures)('round trip of %s', (name) => {
  it('parses cleanly', () => {
    const { payload } = parseConfigFile(`${fixtureRoot}${name}/nginx.conf`);
    expect(payload.errors).toEqual([]);
  });

  it('gives the same tree after build and parse, for every file', () => {
    for (const includeComments of [false, true]) {
      const { payload } = parseConfigFile(`${fixtureRoot}${name}/nginx.conf`, { includeComments });
      for (const file of payload.config) {
        const rebuilt = parseConfigText(buildConfig(file.parsed), file.file, { singleFile: true, includeComments });
        expect(rebuilt.payload.errors, file.file).toEqual([]);
        expect(treeShape(rebuilt.payload.config[0]?.parsed ?? []), file.file).toEqual(treeShape(file.parsed));
      }
    }
  });
});
