import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';

export const unconditionalUpgrade = defineRule({
  id: 'unconditional-upgrade',
  category: 'http2',
  severity: 'warning',
  description: 'A literal `Connection: upgrade` (or Upgrade) header sent to the backend on every request.',
  messages: {
    connection:
      'Connection "{{value}}" is sent with every request, WebSocket or not: it disables backend keepalive, and nginx 1.31.0 and later reject HTTP/2 requests that carry such headers',
    upgrade: 'Upgrade "{{value}}" is sent with every request, whatever the client asked for',
  },
  create(context) {
    return {
      proxy_set_header: (node) => {
        const name = node.args[0]?.toLowerCase();
        const value = node.args[1] ?? '';
        const hint = 'Map $http_upgrade to the Connection value ("map $http_upgrade $connection_upgrade { default upgrade; \'\' \'\'; }") and send the variables instead.';
        if (name === 'connection' && /^upgrade$/i.test(value)) {
          context.report({ node, messageId: 'connection', data: { value }, hint, severity: atLeast(context.target, '1.31.0') ? 'error' : 'warning' });
          return;
        }
        if (name === 'upgrade' && value !== '' && !value.includes('$')) context.report({ node, messageId: 'upgrade', data: { value }, hint });
      },
    };
  },
});
