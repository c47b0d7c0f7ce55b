import { describe, expect, it } from 'vitest';

import { directiveVariants, unavailableReason } from '../src/lint/directive-set.js';
import { directiveRows } from '../src/lint/directive-table.js';
import { parseTarget } from '../src/lint/target.js';
import { findNginx, hasModule, nginxFirstError, requireAll, wrapInContext } from './lint-table-probe.js';

/**
 * Compares the directive table with the nginx binary on this machine. Every
 * directive the table gives that version must be known to nginx in each of
 * its contexts and take exactly the argument counts in the table. Every
 * directive the table withholds from that version must be unknown to it.
 * Directives of dynamic modules count only where the module is installed,
 * because Debian ships those modules in separate packages.
 */
const nginx = findNginx();
const skipReason = nginx ? undefined : 'nginx not found (set NGINX or install the nginx package)';
if (skipReason && requireAll) throw new Error(`H2STICKY_REQUIRE_ALL=1: ${skipReason}`);

/** Directives that Debian's packages backport to versions older than the upstream release that introduced them. */
const debianBackports = new Set(['max_headers']);

const syntaxError = /unknown directive|is not allowed here|invalid number of arguments|has no opening|is not terminated/;

describe.skipIf(!nginx)(`directive table against nginx -t${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const binary = nginx?.path ?? 'nginx';
  const target = parseTarget(nginx?.version ?? '1.22.1', 'oss');
  const names = [...new Set(directiveRows.map(([name]) => name))];

  it('accepts every directive the table allows', () => {
    const mismatches: string[] = [];
    for (const name of names) {
      for (const variant of directiveVariants(name)) {
        if (missingModule(variant.extra.dynamicModule) || unavailableReason(variant, target)) continue;
        for (const [context, since] of variant.contexts) {
          if (since !== undefined) continue;
          const config = wrapInContext(context, line(name, variant.minArgs, variant.flag, variant.block));
          if (config === undefined) continue;
          const error = nginxFirstError(binary, config);
          if (syntaxError.test(error)) mismatches.push(`${name} in ${context}: ${error}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('rejects argument counts outside the table', () => {
    const mismatches: string[] = [];
    for (const name of names) {
      for (const variant of directiveVariants(name)) {
        if (missingModule(variant.extra.dynamicModule) || variant.flag || unavailableReason(variant, target)) continue;
        const context = [...variant.contexts.keys()].find((candidate) => wrapInContext(candidate, '') !== undefined);
        if (context === undefined) continue;
        const counts = [variant.minArgs - 1, Number.isFinite(variant.maxArgs) ? variant.maxArgs + 1 : -1].filter((count) => count >= 0);
        for (const count of counts) {
          const error = nginxFirstError(binary, wrapInContext(context, line(name, count, false, variant.block)) ?? '');
          if (!error.includes('invalid number of arguments')) mismatches.push(`${name} with ${count} arguments: ${error || 'accepted'}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('withholds only directives nginx does not know', () => {
    const mismatches: string[] = [];
    for (const name of names) {
      const variants = directiveVariants(name);
      if (debianBackports.has(name)) continue;
      if (variants.some((variant) => missingModule(variant.extra.dynamicModule) || unavailableReason(variant, target) === undefined)) continue;
      const context = [...(variants[0]?.contexts.keys() ?? [])].find((candidate) => wrapInContext(candidate, '') !== undefined);
      if (context === undefined) continue;
      const error = nginxFirstError(binary, wrapInContext(context, line(name, variants[0]?.minArgs ?? 0, false, variants[0]?.block ?? false)) ?? '');
      if (!error.startsWith('unknown directive')) mismatches.push(`${name}: ${error || 'accepted'}`);
    }
    expect(mismatches).toEqual([]);
  });
});

function line(name: string, count: number, flag: boolean, block: boolean): string {
  const args = Array.from({ length: count }, () => (flag ? 'on' : 'x')).join(' ');
  return block ? `${name} ${args} { }` : `${name} ${args};`;
}

function missingModule(module: string | undefined): boolean {
  return module !== undefined && !hasModule(module);
}
