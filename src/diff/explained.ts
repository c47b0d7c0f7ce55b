/**
 * The explained-differences file: differences between nginx and the
 * reference proxy that are known, each with its reason. A difference that an
 * entry explains is reported with that reason and does not fail the run;
 * every other difference is a divergence.
 */

import type { Plan } from '../plan/types.js';
import { packagePath } from '../paths.js';
import type { Problem } from '../problems.js';
import { loadSpecFile, type DocumentKind } from '../spec/load.js';
import { createSchemaChecker, type SchemaChecker } from '../spec/schema-check.js';
import { formatVersion } from '../nginx/version.js';
import { versionInRange, type VersionRange } from '../nginx/runner/version.js';
import type { Difference } from './compare.js';

/** The file shipped with h2sticky. */
export const defaultExplainedPath = packagePath('assets', 'diff', 'explained-differences.yaml');

/**
 * `proxy`: a difference between nginx and the proxy. `versions`: a
 * difference between two nginx versions in the version matrix, such as
 * emulated against native sticky.
 */
export type ExplanationScope = 'proxy' | 'versions';

export interface ExplainedDifference {
  id: string;
  scope: ExplanationScope;
  /** Field patterns; `*` matches any text. */
  fields: string[];
  when: {
    nginx?: VersionRange;
    sticky?: 'native' | 'emulated';
    balance?: string;
    nginxValue?: RegExp;
    proxyValue?: RegExp;
  };
  reason: string;
}

/** The run facts that an explanation's conditions are checked against. */
export interface ExplanationContext {
  scope: ExplanationScope;
  /** The version of the nginx side (in a version comparison, the older one). */
  nginxVersion: string;
  /** The Plan's cookie affinity: nginx's sticky directive, the emulation with maps, or none. */
  sticky: 'native' | 'emulated' | 'none';
  /** The balancing methods of the Plan's upstream blocks. */
  balancers: string[];
}

/** Collects the facts of a Plan that explanations check. */
export function explanationFacts(plan: Plan): Omit<ExplanationContext, 'scope'> {
  let sticky: ExplanationContext['sticky'] = 'none';
  if (plan.upstreams.some((upstream) => upstream.sticky?.mode === 'cookie')) sticky = 'native';
  if (plan.routes.some((route) => route.kind === 'emulated-cookie')) sticky = 'emulated';
  return {
    nginxVersion: formatVersion(plan.target.version),
    sticky,
    balancers: [...new Set(plan.upstreams.map((upstream) => upstream.balancer.method))],
  };
}

const explainedKind: DocumentKind = {
  codePrefix: 'explained',
  noun: 'explained-differences file',
  createHint: `start from ${defaultExplainedPath}`,
  duplicateKeyHint: 'each key may appear once in a mapping',
};

let checker: SchemaChecker | undefined;

/** Loads an explained-differences file; problems are located in it. */
export async function loadExplainedDifferences(path: string = defaultExplainedPath, displayName = path): Promise<{ entries: ExplainedDifference[]; problems: Problem[] }> {
  const loaded = await loadSpecFile(path, displayName, explainedKind);
  if (!loaded.spec) return { entries: [], problems: loaded.problems };

  checker ??= createSchemaChecker('explained-differences.schema.json', { codePrefix: 'explained', documentLabel: 'the explained-differences file' });
  const problems = checker.check(loaded.spec);
  if (problems.length > 0) return { entries: [], problems };

  const raw = loaded.spec.data as {
    differences: {
      id: string;
      scope?: ExplanationScope;
      fields: string[];
      when?: { nginx?: VersionRange; sticky?: 'native' | 'emulated'; balance?: string; nginx_value?: string; proxy_value?: string };
      reason: string;
    }[];
  };
  const entries: ExplainedDifference[] = [];
  for (const [index, entry] of raw.differences.entries()) {
    const when: ExplainedDifference['when'] = {
      ...(entry.when?.nginx ? { nginx: entry.when.nginx } : {}),
      ...(entry.when?.sticky ? { sticky: entry.when.sticky } : {}),
      ...(entry.when?.balance ? { balance: entry.when.balance } : {}),
    };
    for (const [key, property] of [
      ['nginx_value', 'nginxValue'],
      ['proxy_value', 'proxyValue'],
    ] as const) {
      const pattern = entry.when?.[key];
      if (pattern === undefined) continue;
      try {
        when[property] = new RegExp(pattern);
      } catch (error) {
        const pointer = `/differences/${index}/when/${key}`;
        const position = loaded.spec.locate(pointer);
        problems.push({
          code: 'explained.invalid-pattern',
          severity: 'error',
          message: `invalid regular expression in "${key}": ${(error as Error).message}`,
          hint: 'write a JavaScript regular expression without the surrounding slashes',
          file: displayName,
          line: position.line,
          column: position.column,
          pointer,
        });
      }
    }
    entries.push({ id: entry.id, scope: entry.scope ?? 'proxy', fields: entry.fields, when, reason: entry.reason.trim() });
  }
  return { entries, problems };
}

/** Returns the first entry that explains the difference, or undefined. */
export function explain(difference: Difference, entries: readonly ExplainedDifference[], context: ExplanationContext): ExplainedDifference | undefined {
  return entries.find(
    (entry) => entry.scope === context.scope && entry.fields.some((pattern) => fieldMatches(pattern, difference.field)) && conditionsHold(entry, difference, context),
  );
}

function conditionsHold(entry: ExplainedDifference, difference: Difference, context: ExplanationContext): boolean {
  const { when } = entry;
  if (when.nginx && !versionInRange(context.nginxVersion, when.nginx)) return false;
  if (when.sticky && when.sticky !== context.sticky) return false;
  if (when.balance && !context.balancers.includes(when.balance)) return false;

  if (when.nginxValue && !when.nginxValue.test(JSON.stringify(difference.values[0]) ?? 'undefined')) return false;
  if (when.proxyValue && !when.proxyValue.test(JSON.stringify(difference.values[1]) ?? 'undefined')) return false;
  return true;
}

function fieldMatches(pattern: string, field: string): boolean {
  const expression = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${expression}$`).test(field);
}
