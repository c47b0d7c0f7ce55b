import { serverParameters } from '../nginx-values.js';
import { defineRule } from '../rule.js';

/** `hash … consistent` puts weight × 160 points per address on its ring (ngx_http_upstream_update_chash()). */
const pointsPerWeight = 160;
/** Weights above this make rings of tens of thousands of points per server. */
const maxWeight = 100;

export const consistentHashHugeWeight = defineRule({
  id: 'consistent-hash-huge-weight',
  category: 'upstreams',
  severity: 'warning',
  description: 'A consistent-hash upstream with server weights above 100, which builds a very large ring in every worker.',
  messages: {
    huge: 'weight={{weight}} with "hash ... consistent" adds {{points}} ring points for this server; nginx builds and searches that ring in every worker',
  },
  create(context) {
    return {
      upstream: (upstream) => {
        const children = upstream.children ?? [];
        if (!children.some((child) => child.name === 'hash' && child.args[1] === 'consistent')) return;
        for (const server of children.filter((child) => child.name === 'server')) {
          const weight = Number(serverParameters(server).get('weight') ?? 1);
          if (!(weight > maxWeight)) continue;
          context.report({
            node: server,
            messageId: 'huge',
            data: { weight, points: weight * pointsPerWeight },
            hint: 'Scale the weights down so that their ratios stay the same; ratios, not sizes, decide the share of keys.',
          });
        }
      },
    };
  },
});
