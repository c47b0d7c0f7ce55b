import { listenParameters } from '../nginx-values.js';
import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';
import { childrenNamed, enclosingServer, lastEffectiveDirective } from '../tree.js';

export const websocketOverHttp2 = defineRule({
  id: 'websocket-over-http2',
  category: 'http2',
  severity: 'error',
  description: 'A location that forwards WebSocket upgrades where only HTTP/2 is spoken, which cannot carry them.',
  messages: {
    backend: 'this location forwards the Upgrade header but talks HTTP/2 to the backend (proxy_http_version 2); an HTTP/2 request cannot carry a WebSocket upgrade',
    listener:
      'this location forwards the Upgrade header, but its server listens only on plain-text HTTP/2 ports, which before nginx 1.25.1 accept no HTTP/1.1, and nginx never accepts WebSocket over HTTP/2 (RFC 8441)',
  },
  create(context) {
    return {
      proxy_set_header: (node) => {
        if (node.args[0]?.toLowerCase() !== 'upgrade' || !node.args[1]?.includes('$http_upgrade')) return;
        const location = node.parent;
        if (!location) return;

        const version = lastEffectiveDirective(location, 'proxy_http_version', context.tree)?.args[0];
        if (version === '2') {
          context.report({ node, messageId: 'backend', hint: 'Use "proxy_http_version 1.1;" in locations that carry WebSocket traffic.' });
          return;
        }

        const server = enclosingServer(node);
        if (!server || atLeast(context.target, '1.25.1')) return;
        const listens = childrenNamed(server, 'listen').map(listenParameters);
        if (listens.length === 0 || !listens.every((parameters) => parameters.has('http2') && !parameters.has('ssl'))) return;
        context.report({ node, messageId: 'listener', hint: 'Serve WebSocket clients on a port without http2, or over TLS where ALPN can choose HTTP/1.1.' });
      },
    };
  },
});
