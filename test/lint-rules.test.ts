import { readdirSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { lintText } from '../src/lint/linter.js';
import { defaultTarget, parseTarget } from '../src/lint/target.js';
import type { RuleCases } from './lint-rules/cases.js';

const caseDirectory = new URL('./lint-rules/', import.meta.url);
const ruleIds = readdirSync(caseDirectory)
  .filter((name) => name.endsWith('.ts') && name !== 'cases.ts')
  .map((name) => name.slice(0, -3))
  .sort();

async function loadCases(id: string): Promise<RuleCases> {
  const module = (await import(new URL(`${id}.ts`, caseDirectory).href)) as { cases: RuleCases };
  return module.cases;
}

function findingsOf(id: string, config: string, version: string | undefined, edition: 'oss' | 'plus' | undefined) {
  const target = parseTarget(version ?? defaultTarget.version, edition ?? 'oss');
  const result = lintText(config, { target }, '/virtual/nginx.conf');
  expect(result.payload.errors).toEqual([]);
  return result.findings.filter((finding) => finding.code === id);
}

describe.each(ruleIds)('rule %s', (id) => {
  it('fires on every must-fire case', async () => {
    for (const testCase of (await loadCases(id)).fire) {
      const positions = findingsOf(id, testCase.config, testCase.version, testCase.edition).map((finding) => [finding.line, finding.column]);
      expect(positions, testCase.name).toEqual(testCase.findings.map((position) => [...position]));
    }
  });

  it('stays silent on every must-stay-silent case', async () => {
    for (const testCase of (await loadCases(id)).silent) {
      const messages = findingsOf(id, testCase.config, testCase.version, testCase.edition).map((finding) => finding.message);
      expect(messages, testCase.name).toEqual([]);
    }
  });
});
