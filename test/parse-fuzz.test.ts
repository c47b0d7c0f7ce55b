import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { buildConfig } from '../src/lint/builder.js';
import { lintParsed } from '../src/lint/linter.js';
import { parseConfigText } from '../src/lint/parser.js';
import type { Directive } from '../src/lint/syntax.js';
import { parseTarget } from '../src/lint/target.js';
import { treeShape } from './parse-tree-shape.js';

const fixtureRoot = fileURLToPath(new URL('../fixtures/nginx/', import.meta.url));
const fixtureTexts = readdirSync(fixtureRoot).map((name) => readFileSync(`${fixtureRoot}${name}/nginx.conf`, 'utf8'));
const targets = ['1.22.1', '1.26.3', '1.30.6', '1.31.4'].map((version) => parseTarget(version, 'oss'));

/** Parses and lints text that has no include files; includes resolve to nothing. */
function parseAndLint(text: string): void {
  const parsed = parseConfigText(text, '/fuzz/nginx.conf', { readFile: () => '' });
  for (const target of targets) lintParsed(parsed, { target });
  lintParsed(parsed, { target: parseTarget('1.26.3', 'plus') });
}

const nginxCharacters = fc.constantFrom(...'abc xyz_$ {}{};;;#"\'\\\n\t()=~^*/.:-0123456789'.split(''));

describe('parser and rules under fuzzing', () => {
  it('never throw on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        parseAndLint(Buffer.from(bytes).toString('latin1'));
      }),
      { seed: 20_260_501, numRuns: 400 },
    );
  });

  it('never throw on nginx-like character soup', () => {
    fc.assert(
      fc.property(fc.array(nginxCharacters, { maxLength: 300 }), (characters) => {
        parseAndLint(characters.join(''));
      }),
      { seed: 7, numRuns: 600 },
    );
  });

  it('never throw on mutated fixtures', () => {
    const mutation = fc.record({
      fixture: fc.integer({ min: 0, max: fixtureTexts.length - 1 }),
      position: fc.nat(),
      deleteCount: fc.integer({ min: 0, max: 8 }),
      insert: fc.array(nginxCharacters, { maxLength: 6 }).map((characters) => characters.join('')),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let text = fixtureTexts[mutations[0]?.fixture ?? 0] ?? '';
        for (const change of mutations) {
          const at = change.position % (text.length + 1);
          text = text.slice(0, at) + change.insert + text.slice(at + change.deleteCount);
        }
        parseAndLint(text);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

const argument = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.array(nginxCharacters, { maxLength: 12 }).map((characters) => characters.join('')),
  fc.constantFrom('${host}', '"', "'", '\\', '\\"', '#x', '}', '{', ';', 'a b', '', '$1', '(a)', ')'),
);
const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,11}$/).filter((value) => value !== 'if' && !value.endsWith('_by_lua_block'));

const directive: fc.Arbitrary<Directive> = fc.letrec<{ node: Directive }>((tie) => ({
  node: fc.record(
    {
      directive: name,
      line: fc.constant(0),
      column: fc.constant(0),
      args: fc.array(argument, { maxLength: 4 }),
      block: fc.option(fc.array(tie('node'), { maxLength: 3 }), { nil: undefined, depthSize: 'small' }),
    },
    { requiredKeys: ['directive', 'line', 'column', 'args'] },
  ),
})).node;

describe('builder', () => {
  it('writes text that parses back to the same tree', () => {
    fc.assert(
      fc.property(fc.array(directive, { maxLength: 5 }), (tree) => {
        const text = buildConfig(tree);
        const reparsed = parseConfigText(text, '/fuzz/built.conf', { singleFile: true });
        expect(reparsed.payload.errors).toEqual([]);
        const withoutQuotes = (nodes: readonly Directive[]): unknown[] => (treeShape(nodes) as { quoted?: unknown }[]).map(stripQuoted);
        expect(withoutQuotes(reparsed.payload.config[0]?.parsed ?? [])).toEqual(withoutQuotes(tree));
      }),
      { seed: 1234, numRuns: 500 },
    );
  });
});

/** Quoting may change (a value that needs quotes gains them), so the shape is compared without it. */
function stripQuoted(node: unknown): unknown {
  const { quoted: _quoted, block, ...rest } = node as { quoted?: unknown; block?: unknown[] };
  return { ...rest, block: block?.map(stripQuoted) };
}
