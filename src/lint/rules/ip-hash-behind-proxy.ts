import { defineRule } from '../rule.js';

/** Directives of the realip module that make nginx use the client address from a header. */
const realIpDirectives = ['set_real_ip_from', 'real_ip_header'];

export const ipHashBehindProxy = defineRule({
  id: 'ip-hash-behind-proxy',
  category: 'upstreams',
  severity: 'info',
  description: '`ip_hash` with no real_ip configuration: behind a load balancer or CDN every client hashes to the same server.',
  messages: {
    noRealIp: 'ip_hash hashes the connecting address; if clients arrive through another proxy or a CDN, they all share its address and land on one server',
  },
  create(context) {
    return {
      ip_hash: (node) => {
        if (node.context !== 'upstream') return;
        const configured = realIpDirectives.some((name) => (context.tree.byName.get(name) ?? []).some((found) => found.context !== 'stream' && found.context !== 'stream-server'));
        if (configured) return;
        context.report({
          node,
          messageId: 'noRealIp',
          hint: 'If a proxy sits in front, add "set_real_ip_from ADDRESS;" and "real_ip_header X-Forwarded-For;" (ip_hash follows the real_ip address).',
        });
      },
    };
  },
});
