import { defineRule } from '../rule.js';

export const directiveArguments = defineRule({
  id: 'directive-arguments',
  category: 'syntax',
  severity: 'error',
  description: 'A directive with the wrong number of arguments, a flag that is not on or off, or a missing or extra block.',
  messages: {
    invalid: '{{message}}',
  },
  create(context) {
    // The tree lists the nodes whose table check failed, so this rule does not visit every directive.
    return {
      end: () => {
        for (const node of context.tree.failedChecks) {
          if (node.check?.kind !== 'invalid-arguments') continue;
          context.report({ node, messageId: 'invalid', data: { message: node.check.message }, hint: node.check.hint });
        }
      },
    };
  },
});
