import { defineRule } from '../rule.js';

export const unknownDirective = defineRule({
  id: 'unknown-directive',
  category: 'syntax',
  severity: 'error',
  description: 'A directive that the target nginx does not know, so `nginx -t` fails.',
  messages: {
    unknown: 'unknown directive "{{name}}"',
    unavailable: 'unknown directive "{{name}}": {{reason}}',
  },
  create(context) {
    // The tree lists the nodes whose table check failed, so this rule does not visit every directive.
    return {
      end: () => {
        for (const node of context.tree.failedChecks) {
          if (node.check?.kind !== 'unknown') continue;
          const reason = node.check.reason;
          if (reason === undefined) {
            context.report({ node, messageId: 'unknown', data: { name: node.name }, hint: 'Check the spelling, or load the module that provides it.' });
            continue;
          }
          context.report({ node, messageId: 'unavailable', data: { name: node.name, reason }, hint: 'Remove it, or target an nginx version or edition that has it.' });
        }
      },
    };
  },
});
