import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';

export const proxyHttpVersion2Unsupported = defineRule({
  id: 'proxy-http-version-2-unsupported',
  category: 'versions',
  severity: 'error',
  description: '`proxy_http_version 2` before nginx 1.29.4, which added HTTP/2 to proxied backends.',
  messages: {
    unsupported: 'invalid value "2" in "proxy_http_version" directive: HTTP/2 to backends arrived in nginx 1.29.4, and the target is {{version}}',
  },
  create(context) {
    return {
      proxy_http_version: (node) => {
        if (node.args[0] !== '2' || atLeast(context.target, '1.29.4')) return;
        context.report({
          node,
          messageId: 'unsupported',
          data: { version: context.target.version },
          hint: 'Use "proxy_http_version 1.1;", or grpc_pass for gRPC backends, or target nginx 1.29.4 or later.',
        });
      },
    };
  },
});
