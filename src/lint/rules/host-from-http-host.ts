import { defineRule } from '../rule.js';
import type { LintNode } from '../tree.js';

export const hostFromHttpHost = defineRule({
  id: 'host-from-http-host',
  category: 'security',
  severity: 'warning',
  description: 'A Host header for the backend taken from `$http_host`, which the client controls and may omit.',
  messages: {
    spoofable: '{{directive}} Host "{{value}}" passes the client\'s Host header unchecked; use $host, which nginx takes from the request line or the matched server',
  },
  create(context) {
    const check = (node: LintNode): void => {
      if (node.args[0]?.toLowerCase() !== 'host' || !node.args[1]?.includes('$http_host')) return;
      context.report({ node, messageId: 'spoofable', data: { directive: node.name, value: node.args[1] }, hint: 'Write "proxy_set_header Host $host;".' });
    };
    return { proxy_set_header: check, grpc_set_header: check };
  },
});
