import { defineRule } from '../rule.js';
import { lastEffectiveDirective } from '../tree.js';

export const unconditionalUpgrade = defineRule({
  id: 'unconditional-upgrade',
  category: 'http2',
  severity: 'warning',
  description: 'A literal `Connection: upgrade` (or Upgrade) header sent to the backend on every request.',
  messages: {
    connection: 'Connection "{{value}}" is sent with every request, WebSocket or not, so backend connections are not kept alive',
    connectionHttp2:
      'Connection "{{value}}" is sent with every request over HTTP/2 (proxy_http_version 2): HTTP/2 forbids connection-specific headers, and nginx 1.31.0 and later reject such requests',
    upgrade: 'Upgrade "{{value}}" is sent with every request, whatever the client asked for',
  },
  create(context) {
    return {
      proxy_set_header: (node) => {
        const name = node.args[0]?.toLowerCase();
        const value = node.args[1] ?? '';
        const hint = 'Map $http_upgrade to the Connection value ("map $http_upgrade $connection_upgrade { default upgrade; \'\' \'\'; }") and send the variables instead.';
        if (name === 'connection' && /^upgrade$/i.test(value)) {
          const version = lastEffectiveDirective(node.parent ?? node, 'proxy_http_version', context.tree)?.args[0];
          if (version === '2') context.report({ node, messageId: 'connectionHttp2', data: { value }, hint, severity: 'error' });
          else context.report({ node, messageId: 'connection', data: { value }, hint });
          return;
        }
        if (name === 'upgrade' && value !== '' && !value.includes('$')) context.report({ node, messageId: 'upgrade', data: { value }, hint });
      },
    };
  },
});
