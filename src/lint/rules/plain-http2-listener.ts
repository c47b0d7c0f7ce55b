import { hasListenParameter } from '../nginx-values.js';
import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';
import { siblings, type LintNode } from '../tree.js';

export const plainHttp2Listener = defineRule({
  id: 'plain-http2-listener',
  category: 'http2',
  severity: 'error',
  description: 'A `listen … http2` without `ssl` before nginx 1.25.1: the port speaks only HTTP/2, so HTTP/1.1 clients fail there. Info, not error, when the same server also has a TLS or plain HTTP/1.x listen.',
  messages: {
    h2Only: 'before nginx 1.25.1 a plain-text "listen ... http2" port speaks only HTTP/2 with prior knowledge, so HTTP/1.1 clients (every browser) cannot use port {{address}}',
    h2cPort: 'before nginx 1.25.1 port {{address}} speaks only HTTP/2 with prior knowledge; HTTP/1.1 clients must use the other listeners of this server',
  },
  create(context) {
    // From 1.25.1 nginx reads the first bytes and serves HTTP/1.x and h2c on the same port.
    if (atLeast(context.target, '1.25.1')) return {};
    return {
      listen: (node) => {
        if (node.context !== 'server') return;
        if (!isPlainHttp2(node)) return;

        // A server that also listens with TLS or plain HTTP/1.x still serves browsers, so the h2c-only port is likely
        // deliberate (such as a port for gRPC clients) and gets info. siblings() also covers a fragment linted with
        // --context server, whose listen lines have no parent node.
        const otherListeners = siblings(node, context.tree).some((listen) => listen.name === 'listen' && !isPlainHttp2(listen));
        context.report({
          node,
          messageId: otherListeners ? 'h2cPort' : 'h2Only',
          data: { address: node.args[0] ?? '' },
          hint: 'Add "ssl" to use HTTP/2 over TLS, or serve HTTP/1.1 and h2c on separate ports.',
          ...(otherListeners ? { severity: 'info' as const } : {}),
        });
      },
    };
  },
});

function isPlainHttp2(listen: LintNode): boolean {
  return hasListenParameter(listen, 'http2') && !hasListenParameter(listen, 'ssl') && !hasListenParameter(listen, 'quic');
}
