/**
 * The explained-differences file: differences between nginx and the
 * reference proxy that are known, each with its reason. A difference that an
 * entry explains is reported with that reason and does not fail the run;
 * every other difference is a divergence.
 */

import type { Plan } from '../plan/types.js';
import { packagePath } from '../paths.js';
import type { Problem } from '../problems.js';
import { loadSpecFile, topLevelDuplicateHint, type DocumentKind } from '../spec/load.js';
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
    /** The id of an entry that must explain another difference of the same request. */
    withExplained?: string;
    /** Field patterns that must not differ in the same request. */
    unchanged?: string[];
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
  duplicateKeyHint: (key, parents) => topLevelDuplicateHint(key, parents) ?? `each key may appear once in a mapping, so remove or merge one of the two ${JSON.stringify(key)} entries`,
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
      when?: {
        nginx?: VersionRange;
        sticky?: 'native' | 'emulated';
        balance?: string;
        nginx_value?: string;
        proxy_value?: string;
        with_explained?: string;
        unchanged?: string[];
      };
      reason: string;
    }[];
  };
  const entries: ExplainedDifference[] = [];
  for (const [index, entry] of raw.differences.entries()) {
    const when: ExplainedDifference['when'] = {
      ...(entry.when?.nginx ? { nginx: entry.when.nginx } : {}),
      ...(entry.when?.sticky ? { sticky: entry.when.sticky } : {}),
      ...(entry.when?.balance ? { balance: entry.when.balance } : {}),
      ...(entry.when?.with_explained ? { withExplained: entry.when.with_explained } : {}),
      ...(entry.when?.unchanged ? { unchanged: entry.when.unchanged } : {}),
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

  // An added file may refer to the entries h2sticky ships.
  const shippedIds = path === defaultExplainedPath ? [] : (await loadExplainedDifferences()).entries.map((entry) => entry.id);
  const ids = new Set([...entries.map((entry) => entry.id), ...shippedIds]);
  for (const [index, entry] of raw.differences.entries()) {
    const required = entry.when?.with_explained;
    if (required === undefined || ids.has(required)) continue;
    const pointer = `/differences/${index}/when/with_explained`;
    const position = loaded.spec.locate(pointer);
    problems.push({
      code: 'explained.unknown-entry',
      severity: 'error',
      message: `unknown entry "${required}" in "with_explained"`,
      hint: `use the id of an entry in this file or in ${defaultExplainedPath}`,
      file: displayName,
      line: position.line,
      column: position.column,
      pointer,
    });
  }
  return { entries, problems };
}

/** Returns the first entry that explains a difference seen alone, or undefined. */
export function explain(difference: Difference, entries: readonly ExplainedDifference[], context: ExplanationContext): ExplainedDifference | undefined {
  return explainRequest([difference], entries, context)[0];
}

/**
 * Finds the entry that explains each difference of one request, or
 * undefined. An entry with `with_explained` applies only once another
 * difference of the request has that explanation, and one with `unchanged`
 * only while those fields are equal, so that an entry does not cover a
 * difference with another cause. Each pass can satisfy one more link of
 * `with_explained`, so the passes are bounded by the number of entries.
 */
export function explainRequest(differences: readonly Difference[], entries: readonly ExplainedDifference[], context: ExplanationContext): (ExplainedDifference | undefined)[] {
  const found: (ExplainedDifference | undefined)[] = differences.map(() => undefined);
  for (let pass = 0; pass <= entries.length; pass++) {
    let changed = false;
    for (const [index, difference] of differences.entries()) {
      if (found[index] !== undefined) continue;
      const siblings: Siblings = {
        differingFields: differences.filter((_, other) => other !== index).map((other) => other.field),
        explainedBy: new Set(found.flatMap((entry, other) => (entry !== undefined && other !== index ? [entry.id] : []))),
      };
      found[index] = entries.find((entry) => applies(entry, difference, context, siblings));
      if (found[index] !== undefined) changed = true;
    }
    if (!changed) break;
  }
  return found;
}

/** The other differences of the same request, as an entry's conditions see them. */
interface Siblings {
  differingFields: string[];
  explainedBy: ReadonlySet<string>;
}

function applies(entry: ExplainedDifference, difference: Difference, context: ExplanationContext, siblings: Siblings): boolean {
  if (entry.scope !== context.scope) return false;
  if (!entry.fields.some((pattern) => fieldMatches(pattern, difference.field))) return false;
  if (entry.when.withExplained !== undefined && !siblings.explainedBy.has(entry.when.withExplained)) return false;
  if (entry.when.unchanged?.some((pattern) => siblings.differingFields.some((field) => fieldMatches(pattern, field)))) return false;
  return conditionsHold(entry, difference, context);
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
