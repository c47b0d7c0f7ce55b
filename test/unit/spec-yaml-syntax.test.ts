import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { loadSpecText } from '../../src/spec/load.js';
import { runCli } from '../helpers/cli.js';

describe('spec YAML syntax errors', () => {
  it.each([
    // A list item indented one space less than its siblings: the `-` on line 3 is at column 3.
    ['sequence item', 'servers:\n   - a\n  - b\n', 3, 3],
    ['mapping key', 'a:\n  b: 1\n c: 2\n', 3, 2],
    ['compact mapping', 'a: 1\n  b: 2\n', 1, 4],
  ])('locate a misindented %s', (_name, text, line, column) => {
    const { problems } = loadSpecText(text, 'spec.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'spec.syntax', file: 'spec.yaml', line, column });
  });

  it('keeps a tab marked where it is', () => {
    const { problems } = loadSpecText('a:\n\tb: 1\n', 'spec.yaml');
    expect(problems[0]).toMatchObject({ code: 'spec.syntax', line: 2, column: 1 });
  });

  it('reports the fixture at the misindented item', async () => {
    const file = 'fixtures/specs/invalid/yaml-syntax.yaml';
    const itemLine = readFileSync(file, 'utf8').split('\n').findIndex((text) => text === '     - address: 127.0.0.1:9002') + 1;
    expect(itemLine).toBeGreaterThan(0);

    const { code, stderr } = await runCli(['validate', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:${itemLine}:6: error: invalid YAML: A block sequence may not be used as an implicit map key`);
    expect(stderr).not.toContain(`${file}:${itemLine}:1:`);
    expect(stderr).toContain('invalid (1 error, 0 warnings)');
  });
});
