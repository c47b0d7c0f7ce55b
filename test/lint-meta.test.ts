import { existsSync, readdirSync, readFileSync } from 'node:fs';

import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';

import { ruleDocsPath } from '../src/lint/rule.js';
import { allRules } from '../src/lint/rules/index.js';
import type { RuleCases } from './lint-rules/cases.js';

const root = new URL('../', import.meta.url);
const ruleFiles = readdirSync(new URL('src/lint/rules/', root))
  .filter((name) => name.endsWith('.ts') && name !== 'index.ts')
  .map((name) => name.slice(0, -3))
  .sort();

describe('rule registry', () => {
  it('registers every rule file under its id', () => {
    expect(allRules.map((rule) => rule.id).sort()).toEqual(ruleFiles);
  });

  it('uses unique kebab-case ids', () => {
    const ids = allRules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });
});

describe.each(allRules.map((rule) => [rule.id, rule] as const))('rule %s', (id, rule) => {
  it('has a docs page naming it', () => {
    const path = new URL(ruleDocsPath(id), root);
    expect(existsSync(path), `${ruleDocsPath(id)} is missing`).toBe(true);
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith(`# ${id}\n`)).toBe(true);
  });

  it('has must-fire and must-stay-silent cases', async () => {
    const path = new URL(`test/lint-rules/${id}.ts`, root);
    expect(existsSync(path), `test/lint-rules/${id}.ts is missing`).toBe(true);
    const { cases } = (await import(path.href)) as { cases: RuleCases };
    expect(cases.fire.length).toBeGreaterThan(0);
    expect(cases.silent.length).toBeGreaterThan(0);
  });

  it('has option defaults that fit its option schema', () => {
    if (!rule.options) return;
    const validate = new Ajv().compile(rule.options.schema);
    expect(validate(rule.options.defaults), JSON.stringify(validate.errors)).toBe(true);
    expect(readFileSync(new URL(ruleDocsPath(id), root), 'utf8')).toContain('## Options');
  });

  it('has a description and messages', () => {
    expect(rule.description.length).toBeGreaterThan(10);
    expect(Object.keys(rule.messages).length).toBeGreaterThan(0);
  });
});
