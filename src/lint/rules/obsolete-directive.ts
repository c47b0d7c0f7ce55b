import { directiveVariants } from '../directive-set.js';
import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';

export const obsoleteDirective = defineRule({
  id: 'obsolete-directive',
  category: 'versions',
  severity: 'warning',
  description: 'A directive that nginx still parses but ignores with a warning, such as `http2_idle_timeout`.',
  messages: {
    obsolete: 'the "{{name}}" directive is obsolete, ignored, use the "{{replacement}}" directive instead',
  },
  create(context) {
    return {
      '*': (node) => {
        if (node.check?.kind !== 'ok') return;
        const variant = directiveVariants(node.name).find((candidate) => candidate.extra.replacement !== undefined);
        const since = variant?.extra.obsolete;
        const replacement = variant?.extra.replacement;
        if (since === undefined || replacement === undefined || !atLeast(context.target, since)) return;
        context.report({ node, messageId: 'obsolete', data: { name: node.name, replacement }, hint: `Replace it with "${replacement}", which nginx has used since ${since}.` });
      },
    };
  },
});
