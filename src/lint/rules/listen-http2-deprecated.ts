import { hasListenParameter } from '../nginx-values.js';
import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';

export const listenHttp2Deprecated = defineRule({
  id: 'listen-http2-deprecated',
  category: 'versions',
  severity: 'warning',
  description: 'The `http2` parameter of `listen`, deprecated since nginx 1.25.1 in favour of the `http2` directive.',
  messages: {
    deprecated: 'the "listen ... http2" directive is deprecated, use the "http2" directive instead',
  },
  create(context) {
    return {
      listen: (node) => {
        if (node.context !== 'server' || !atLeast(context.target, '1.25.1')) return;
        if (!hasListenParameter(node, 'http2')) return;
        context.report({ node, messageId: 'deprecated', hint: 'Remove "http2" from the listen line and add "http2 on;" to the server.' });
      },
    };
  },
});
