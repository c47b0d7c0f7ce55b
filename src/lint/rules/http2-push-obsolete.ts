import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';
import type { LintNode } from '../tree.js';

export const http2PushObsolete = defineRule({
  id: 'http2-push-obsolete',
  category: 'versions',
  severity: 'warning',
  description: 'HTTP/2 server push directives, which nginx 1.25.1 made obsolete and ignores.',
  messages: {
    ignored: 'the "{{name}}" directive is obsolete, ignored: nginx removed HTTP/2 server push in 1.25.1',
    removedLater: '"{{name}}" configures HTTP/2 server push, which nginx 1.25.1 and later ignore',
  },
  create(context) {
    const report = (node: LintNode): void => {
      if (atLeast(context.target, '1.25.1')) {
        context.report({ node, messageId: 'ignored', data: { name: node.name }, hint: 'Remove it; send "Link: rel=preload" headers or 103 Early Hints instead.' });
        return;
      }
      context.report({ node, messageId: 'removedLater', data: { name: node.name }, severity: 'info', hint: 'Plan to remove it before upgrading to nginx 1.25.1 or later.' });
    };
    return { http2_push: report, http2_push_preload: report, http2_max_concurrent_pushes: report };
  },
});
