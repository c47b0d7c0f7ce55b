import { defineRule } from '../rule.js';

export const validReferersNone = defineRule({
  id: 'valid-referers-none',
  category: 'security',
  severity: 'warning',
  description: '`valid_referers none`, which accepts every request that simply leaves the Referer header out.',
  messages: {
    none: '"none" in valid_referers lets any request without a Referer header through, so the referer check can be skipped by omitting the header',
  },
  create(context) {
    return {
      valid_referers: (node) => {
        if (!node.args.includes('none')) return;
        context.report({ node, messageId: 'none', hint: 'Remove "none", or protect the resource with secure_link or authentication instead.' });
      },
    };
  },
});
