import { defineRule } from '../rule.js';

export const directiveNotAllowedHere = defineRule({
  id: 'directive-not-allowed-here',
  category: 'syntax',
  severity: 'error',
  description: 'A known directive in a block where nginx does not accept it.',
  messages: {
    notAllowed: '"{{name}}" directive is not allowed here',
  },
  create(context) {
    // The tree lists the nodes whose table check failed, so this rule does not visit every directive.
    return {
      end: () => {
        for (const node of context.tree.failedChecks) {
          if (node.check?.kind !== 'not-allowed-here') continue;
          const where = node.parent ? `inside "${node.parent.name}"` : topLevelName(context.tree.rootContext);
          context.report({ node, messageId: 'notAllowed', data: { name: node.name }, hint: `Move it out of this block; nginx rejects it ${where}.` });
        }
      },
    };
  },
});

function topLevelName(rootContext: string): string {
  return rootContext === 'main' ? 'at the top level' : `at the top level of a file linted as included in "${rootContext}" (--context ${rootContext})`;
}
