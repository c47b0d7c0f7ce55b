import { directiveVariants } from '../directive-set.js';
import { directiveRows } from '../directive-table.js';
import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';
import type { LintNode } from '../tree.js';

/** Directives that nginx ignores with a warning naming a replacement: name, version, replacement. */
const obsoleteDirectives: readonly (readonly [string, string, string])[] = [...new Set(directiveRows.map(([name]) => name))].flatMap((name) => {
  const variant = directiveVariants(name).find((candidate) => candidate.extra.replacement !== undefined);
  const since = variant?.extra.obsolete;
  const replacement = variant?.extra.replacement;
  return since === undefined || replacement === undefined ? [] : [[name, since, replacement] as const];
});

export const obsoleteDirective = defineRule({
  id: 'obsolete-directive',
  category: 'versions',
  severity: 'warning',
  description: 'A directive that nginx still parses but ignores with a warning, such as `http2_idle_timeout`.',
  messages: {
    obsolete: 'the "{{name}}" directive is obsolete, ignored, use the "{{replacement}}" directive instead',
  },
  create(context) {
    const visitor: Record<string, (node: LintNode) => void> = {};
    for (const [name, since, replacement] of obsoleteDirectives) {
      visitor[name] = (node) => {
        if (node.check?.kind !== 'ok' || !atLeast(context.target, since)) return;
        context.report({ node, messageId: 'obsolete', data: { name: node.name, replacement }, hint: `Replace it with "${replacement}", which nginx has used since ${since}.` });
      };
    }
    return visitor;
  },
});
