import { defineRule } from '../rule.js';
import { childrenNamed, firstChildNamed, nearestLevelWith } from '../tree.js';

const headerLevels = new Set(['http', 'server', 'location', 'if']);

export const proxySetHeaderRedefinition = defineRule({
  id: 'proxy-set-header-redefinition',
  category: 'security',
  severity: 'warning',
  description: 'A `proxy_set_header` in a nested block, which silently drops every `proxy_set_header` of the enclosing blocks.',
  messages: {
    drops: 'this "{{level}}" block has its own proxy_set_header, so the backend no longer gets the {{count}} header(s) set in its "{{parent}}" block: {{headers}}',
  },
  create(context) {
    return {
      proxy_set_header: (node) => {
        const level = node.parent;
        if (!level || !headerLevels.has(level.name)) return;
        if (firstChildNamed(level, 'proxy_set_header') !== node) return;

        const inherited = nearestLevelWith(level.parent, 'proxy_set_header');
        if (!inherited) return;
        const own = new Set(childrenNamed(level, 'proxy_set_header').map((header) => header.args[0]?.toLowerCase()));
        const dropped = inherited.directives.filter((header) => !own.has(header.args[0]?.toLowerCase()));
        if (dropped.length === 0) return;

        context.report({
          node,
          messageId: 'drops',
          data: { level: level.name, parent: inherited.level.name, count: dropped.length, headers: dropped.map((header) => header.args[0] ?? '').join(', ') },
          hint: 'Repeat the parent proxy_set_header lines in this block, or move the common ones into an included file used at every level.',
        });
      },
    };
  },
});
