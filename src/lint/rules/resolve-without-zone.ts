import { serverParameter } from '../nginx-values.js';
import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';
import { hasChildNamed, lastEffectiveDirective, type LintNode, type LintTree } from '../tree.js';

export const resolveWithoutZone = defineRule({
  id: 'resolve-without-zone',
  category: 'versions',
  severity: 'error',
  description: 'A `server … resolve` line in an upstream without `zone` or without a resolver, or before open-source nginx 1.27.3.',
  messages: {
    tooOld: 'invalid parameter "resolve": open-source nginx accepts it from 1.27.3 on, and the target is {{version}}',
    noZone: 'resolving names at run time requires upstream "{{upstream}}" to be in shared memory',
    noResolver: 'no resolver defined to resolve names at run time in upstream "{{upstream}}"',
  },
  create(context) {
    const supported = context.target.edition === 'plus' || atLeast(context.target, '1.27.3');
    return {
      upstream: (upstream) => {
        if (upstream.context !== 'http' && upstream.context !== 'stream') return;
        const resolving = (upstream.children ?? []).filter((child) => child.name === 'server' && serverParameter(child, 'resolve') !== undefined);
        const first = resolving[0];
        if (!first) return;
        const name = upstream.args[0] ?? '';

        if (!supported) {
          for (const server of resolving) context.report({ node: server, messageId: 'tooOld', data: { version: context.target.version }, hint: 'Target nginx 1.27.3 or later, or list the addresses without "resolve".' });
          return;
        }
        if (!hasChildNamed(upstream, 'zone')) {
          context.report({ node: first, messageId: 'noZone', data: { upstream: name }, hint: `Add "zone ${name} 64k;" to the upstream block.` });
        }
        if (!hasResolver(upstream, context.tree)) {
          context.report({ node: first, messageId: 'noResolver', data: { upstream: name }, hint: 'Add a "resolver" directive to the upstream block or to the http block.' });
        }
      },
    };
  },
});

function hasResolver(upstream: LintNode, tree: LintTree): boolean {
  return hasChildNamed(upstream, 'resolver') || lastEffectiveDirective(upstream.parent ?? upstream, 'resolver', tree) !== undefined;
}
