import { balancerDirectives } from '../nginx-values.js';
import { defineRule } from '../rule.js';

export const multipleBalancers = defineRule({
  id: 'multiple-balancers',
  category: 'upstreams',
  severity: 'warning',
  description: 'Two balancing methods in one upstream; the last one wins and nginx only warns.',
  messages: {
    redefined: 'load balancing method redefined: "{{second}}" replaces "{{first}}" on line {{line}}',
  },
  create(context) {
    return {
      upstream: (upstream) => {
        const balancers = (upstream.children ?? []).filter((child) => balancerDirectives.includes(child.name));
        const first = balancers[0];
        if (!first) return;
        for (const later of balancers.slice(1)) {
          context.report({
            node: later,
            messageId: 'redefined',
            data: { first: first.name, second: later.name, line: first.line },
            hint: 'Keep one balancing method per upstream.',
          });
        }
      },
    };
  },
});
