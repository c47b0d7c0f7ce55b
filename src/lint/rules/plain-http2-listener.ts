import { listenParameters } from '../nginx-values.js';
import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';

export const plainHttp2Listener = defineRule({
  id: 'plain-http2-listener',
  category: 'http2',
  severity: 'error',
  description: 'A `listen … http2` without `ssl` before nginx 1.25.1: the port speaks only HTTP/2, so HTTP/1.1 clients fail.',
  messages: {
    h2Only: 'before nginx 1.25.1 a plain-text "listen ... http2" port speaks only HTTP/2 with prior knowledge, so HTTP/1.1 clients (every browser) cannot use port {{address}}',
  },
  create(context) {
    // From 1.25.1 nginx reads the first bytes and serves HTTP/1.x and h2c on the same port.
    if (atLeast(context.target, '1.25.1')) return {};
    return {
      listen: (node) => {
        if (node.context !== 'server') return;
        const parameters = listenParameters(node);
        if (!parameters.has('http2') || parameters.has('ssl') || parameters.has('quic')) return;
        context.report({
          node,
          messageId: 'h2Only',
          data: { address: node.args[0] ?? '' },
          hint: 'Add "ssl" to use HTTP/2 over TLS, or serve HTTP/1.1 and h2c on separate ports.',
        });
      },
    };
  },
});
