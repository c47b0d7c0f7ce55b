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
          const blockStart = context.tree.unexpectedBlockStarts.get(node);
          if (blockStart === undefined) {
            context.report({ node, messageId: 'invalid', data: { message: node.check.message }, hint: node.check.hint });
            continue;
          }
          // nginx -t names the line of the "{", because it notices there (checked with nginx 1.22.1).
          context.report({
            node,
            messageId: 'invalid',
            data: { message: node.check.message },
            hint: `"${node.name}" takes no block, so the words from line ${node.line} up to this "{" were read as its arguments. End "${node.name}" with ";" where its arguments end.`,
            position: blockStart,
          });
        }
      },
    };
  },
});
