import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';

export const http2DirectiveUnsupported = defineRule({
  id: 'http2-directive-unsupported',
  category: 'versions',
  severity: 'error',
  description: 'The `http2 on;` directive before nginx 1.25.1, which introduced it.',
  replacesUnknownDirective: ['http2'],
  messages: {
    unsupported: 'unknown directive "http2": it appeared in nginx 1.25.1, and the target is {{version}}',
  },
  create(context) {
    return {
      http2: (node) => {
        if (atLeast(context.target, '1.25.1')) return;
        context.report({
          node,
          messageId: 'unsupported',
          data: { version: context.target.version },
          hint: 'Before 1.25.1, enable HTTP/2 with the http2 parameter of a TLS listener: "listen 443 ssl http2;".',
        });
      },
    };
  },
});
