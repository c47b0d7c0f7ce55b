import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadSpecText } from '../../src/spec/load.js';
import { runCli } from '../helpers/cli.js';

describe('spec YAML syntax errors', () => {
  it.each([
    // A list item indented one space less than its siblings: the `-` on line 3 is at column 3.
    ['sequence item', 'servers:\n   - a\n  - b\n', 3, 3, 4],
    ['mapping key', 'a:\n  b: 1\n c: 2\n', 3, 2, 3],
    // "b" is deeper than "a", whose value is already on its line.
    ['compact mapping', 'a: 1\n  b: 2\n', 2, 3, 1],
    // The first key is one space too far, so the yaml library flags both later keys.
    ['first key of a mapping', 'up:\n  api:\n     balance: least_conn\n    servers:\n      - a\n    zone: 64k\n', 3, 6, 5],
    ['first key with a nested mapping', 'up:\n  api:\n     balance:\n       method: hash\n    servers:\n      - a\n', 3, 6, 5],
    ['key after a scalar value', 'up:\n  api:\n    zone: 64k\n     balance: x\n    servers: 1\n', 4, 6, 5],
    ['key after a list', 'up:\n  api:\n    servers:\n      - a\n     balance: x\n    zone: 1\n', 5, 6, 5],
    ['last key too shallow', 'up:\n  api:\n    zone: 1\n   balance: x\n', 4, 4, 5],
    ['key of a list item too deep', 's:\n  - address: x\n     weight: 2\n  - address: y\n', 3, 6, 5],
    ['key of a list item too shallow', 's:\n  - address: x\n   weight: 2\n  - address: y\n', 3, 4, 5],
  ])('locate a misindented %s', (_name, text, line, column, expectedColumn) => {
    const { problems } = loadSpecText(text, 'spec.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'spec.syntax', file: 'spec.yaml', line, column });
    expect(problems[0]!.message).toContain(`starts at column ${column}, but the other`);
    expect(problems[0]!.hint).toContain(`to column ${expectedColumn}`);
  });

  it('name the sibling in the fix', () => {
    const { problems } = loadSpecText('up:\n  api:\n     balance: least_conn\n    servers:\n      - a\n', 'spec.yaml');
    expect(problems[0]!.message).toBe('invalid YAML indentation: "balance" starts at column 6, but the other keys of this mapping start at column 5');
    expect(problems[0]!.hint).toBe('move "balance" to column 5, like "servers" on line 4');
  });

  it('report a first key too deep once', async () => {
    // The shop spec with "balance:" of upstream "api" indented one space too far; "servers" and "zone" follow it.
    const lines = readFileSync('fixtures/specs/shop.yaml', 'utf8').split('\n');
    const balance = lines.findIndex((text) => text === '    balance: least_conn');
    expect(balance).toBeGreaterThan(0);
    lines[balance] = '     balance: least_conn';
    lines.splice(balance + 4, 0, '    zone: 64k');
    const directory = mkdtempSync(join(tmpdir(), 'h2sticky-yaml-'));
    const file = join(directory, 'shop.yaml');
    writeFileSync(file, lines.join('\n'));

    const { code, stderr } = await runCli(['validate', file]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:${balance + 1}:6: error: invalid YAML indentation: "balance" starts at column 6, but the other keys of this mapping start at column 5`);
    expect(stderr).toContain(`fix: move "balance" to column 5, like "servers" on line ${balance + 2}`);
    expect(stderr).not.toContain(`${file}:${balance + 2}:`);
    expect(stderr).not.toContain(`${file}:${balance + 5}:`);
    expect(stderr).toContain('invalid (1 error, 0 warnings)');
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
    expect(stderr).toContain(`${file}:${itemLine}:6: error: invalid YAML indentation: the list item "-" starts at column 6, but the other items of this list start at column 7`);
    expect(stderr).not.toContain(`${file}:${itemLine}:1:`);
    expect(stderr).toContain('invalid (1 error, 0 warnings)');
  });
});
