import { serverParameter } from '../nginx-values.js';
import { defineRule } from '../rule.js';

/** `hash … consistent` puts weight × 160 points per address on its ring (ngx_http_upstream_update_chash()). */
const pointsPerWeight = 160;

export const consistentHashHugeWeight = defineRule({
  id: 'consistent-hash-huge-weight',
  category: 'upstreams',
  severity: 'warning',
  description: 'A consistent-hash upstream with server weights above 100 (option maxWeight), which builds a very large ring in every worker.',
  // Weights above 100 make rings of tens of thousands of points per server.
  options: { defaults: { maxWeight: 100 }, schema: { type: 'object', properties: { maxWeight: { type: 'integer', minimum: 1 } }, additionalProperties: false } },
  messages: {
    huge: 'weight={{weight}} with "hash ... consistent" adds {{points}} ring points for this server; nginx builds and searches that ring in every worker',
  },
  create(context) {
    const maxWeight = Number(context.options.maxWeight);
    return {
      upstream: (upstream) => {
        const children = upstream.children ?? [];
        if (!children.some((child) => child.name === 'hash' && child.args[1] === 'consistent')) return;
        for (const server of children.filter((child) => child.name === 'server')) {
          const weight = Number(serverParameter(server, 'weight') ?? 1);
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
