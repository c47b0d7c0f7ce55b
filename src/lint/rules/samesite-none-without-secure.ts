import { defineRule } from '../rule.js';

export const samesiteNoneWithoutSecure = defineRule({
  id: 'samesite-none-without-secure',
  category: 'http2',
  severity: 'error',
  description: 'A sticky cookie with `samesite=none` but no `secure`, which browsers reject.',
  messages: {
    rejected: 'sticky cookie "{{cookie}}" has samesite=none without secure; browsers reject such cookies, so no request is ever sticky',
  },
  create(context) {
    return {
      sticky: (node) => {
        if (node.args[0] !== 'cookie') return;
        const parameters = node.args.slice(2);
        const sameSiteNone = parameters.some((parameter) => parameter.toLowerCase() === 'samesite=none');
        if (!sameSiteNone || parameters.includes('secure')) return;
        context.report({ node, messageId: 'rejected', data: { cookie: node.args[1] ?? '' }, hint: 'Add "secure", and serve the site over HTTPS.' });
      },
    };
  },
});
