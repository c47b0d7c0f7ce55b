import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';

export const sslOnRemoved = defineRule({
  id: 'ssl-on-removed',
  category: 'versions',
  severity: 'error',
  description: 'The `ssl on;` directive: deprecated since nginx 1.15.0 and an unknown directive from 1.25.1.',
  replacesUnknownDirective: ['ssl'],
  messages: {
    removed: 'unknown directive "ssl": nginx removed it in 1.25.1, and the target is {{version}}',
    deprecated: 'the "ssl" directive is deprecated, use the "listen ... ssl" directive instead',
  },
  create(context) {
    return {
      ssl: (node) => {
        if (node.context !== 'http' && node.context !== 'server' && node.context !== 'mail' && node.context !== 'mail-server') return;
        const hint = 'Remove "ssl on;" and add the ssl parameter to each TLS listen line: "listen 443 ssl;".';
        if (atLeast(context.target, '1.25.1')) {
          context.report({ node, messageId: 'removed', data: { version: context.target.version }, hint });
          return;
        }
        context.report({ node, messageId: 'deprecated', severity: 'warning', hint });
      },
    };
  },
});
