import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';
import { childrenNamed, firstChildNamed, nearestLevelWith, type LintNode } from '../tree.js';

/** Levels at which add_header may appear and inherits from the enclosing level. */
const headerLevels = new Set(['http', 'server', 'location', 'if']);

export const addHeaderRedefinition = defineRule({
  id: 'add-header-redefinition',
  category: 'security',
  severity: 'warning',
  description: 'An `add_header` in a nested block, which silently drops every `add_header` of the enclosing blocks.',
  messages: {
    drops: 'this "{{level}}" block has its own add_header, so it drops the {{count}} add_header line(s) of its "{{parent}}" block: {{headers}}',
  },
  create(context) {
    // From 1.29.3 "add_header_inherit merge" keeps the parent's headers; "off" drops them on purpose.
    const inheritDirective = atLeast(context.target, '1.29.3');
    return {
      add_header: (node) => {
        const level = node.parent;
        if (!level || !headerLevels.has(level.name)) return;
        if (firstChildNamed(level, 'add_header') !== node) return;
        if (inheritDirective && inheritMode(level) !== 'on') return;

        const inherited = nearestLevelWith(level.parent, 'add_header');
        if (!inherited) return;
        // Headers that this level sets again itself are not lost.
        const own = new Set(childrenNamed(level, 'add_header').map((header) => header.args[0]?.toLowerCase()));
        const dropped = inherited.directives.filter((header) => !own.has(header.args[0]?.toLowerCase()));
        if (dropped.length === 0) return;

        context.report({
          node,
          messageId: 'drops',
          data: {
            level: level.name,
            parent: inherited.level.name,
            count: dropped.length,
            headers: dropped.map((header) => header.args[0] ?? '').join(', '),
          },
          hint: inheritDirective ? 'Add "add_header_inherit merge;" to this block, or repeat the parent headers here.' : 'Repeat the parent headers in this block (nginx before 1.29.3 has no add_header_inherit).',
        });
      },
    };
  },
});

/** Returns the add_header_inherit mode in effect at a level (default `on`). */
function inheritMode(level: LintNode): string {
  for (let current: LintNode | undefined = level; current; current = current.parent) {
    const setting = childrenNamed(current, 'add_header_inherit').at(-1);
    if (setting) return setting.args[0] ?? 'on';
  }
  return 'on';
}
