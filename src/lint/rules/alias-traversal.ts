import { defineRule } from '../rule.js';

export const aliasTraversal = defineRule({
  id: 'alias-traversal',
  category: 'security',
  severity: 'error',
  description: '`alias` ending in `/` inside a prefix location that does not, which lets `/prefix../` reach the parent directory.',
  messages: {
    traversal: 'location "{{location}}" has no trailing slash but alias "{{alias}}" has one, so a request for "{{location}}../" reads files above {{alias}}',
  },
  create(context) {
    return {
      alias: (node) => {
        const location = node.parent;
        if (location?.name !== 'location') return;
        const [first, second] = location.args;
        // Only prefix locations (no modifier, or ^~) match "/prefix../" literally.
        let prefix: string | undefined;
        if (second === undefined) prefix = first;
        else if (first === '^~') prefix = second;
        const alias = node.args[0] ?? '';
        if (prefix === undefined || prefix.endsWith('/') || !alias.endsWith('/')) return;
        context.report({
          node,
          messageId: 'traversal',
          data: { location: prefix, alias },
          hint: `Write "location ${prefix}/" so both end with a slash, or drop the slash from the alias.`,
        });
      },
    };
  },
});
