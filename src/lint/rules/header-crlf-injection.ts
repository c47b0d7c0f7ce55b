import { variablesIn } from '../nginx-values.js';
import { defineRule } from '../rule.js';
import type { LintNode } from '../tree.js';

/** Variables that nginx has URL-decoded, so `%0d%0a` in the request becomes CR LF in the value. */
const decodedVariables = new Set(['uri', 'document_uri']);

export const headerCrlfInjection = defineRule({
  id: 'header-crlf-injection',
  category: 'security',
  severity: 'error',
  description: 'A decoded request value (`$uri`, a capture of it) in a header or redirect, so `%0d%0a` splits the response.',
  messages: {
    splitting: '${{variable}} is URL-decoded, so a request containing %0d%0a puts CR LF into this {{directive}} and can add headers of its choice',
  },
  create(context) {
    // Checks the arguments from index `first` up to, not including, `end`.
    const check = (node: LintNode, first: number, end: number): void => {
      for (let index = first; index < Math.min(end, node.args.length); index++) {
        const variable = variablesIn(node.args[index] as string).find((name) => decodedVariables.has(name) || (/^\d$/.test(name) && captureCanHoldNewline(node)));
        if (variable === undefined) continue;
        context.report({
          node,
          messageId: 'splitting',
          data: { variable, directive: node.name },
          hint: 'Use $request_uri (not decoded), or capture with a pattern that cannot match a newline, such as [^\\s]+ instead of [^/]+.',
        });
        return;
      }
    };
    return {
      add_header: (node) => check(node, 1, 2),
      proxy_set_header: (node) => check(node, 1, 2),
      return: (node) => check(node, 1, Infinity),
      rewrite: (node) => check(node, 1, 2),
    };
  },
});

/**
 * True when a numbered capture in effect at `node` comes from a regex with a
 * negated class such as `[^/]`, which matches CR and LF. Captures come from
 * the enclosing regex location or from a rewrite on the same line.
 */
function captureCanHoldNewline(node: LintNode): boolean {
  if (node.name === 'rewrite') return /\[\^/.test(node.args[0] ?? '');
  for (let level = node.parent; level; level = level.parent) {
    if (level.name !== 'location') continue;
    if (level.args[0] === '~' || level.args[0] === '~*') return /\[\^/.test(level.args[1] ?? '');
  }
  return false;
}
