import { balancerDirectives } from '../nginx-values.js';
import { defineRule } from '../rule.js';

export const balancerAfterSticky = defineRule({
  id: 'balancer-after-sticky',
  category: 'upstreams',
  severity: 'error',
  description: 'A balancing method after `sticky` in an upstream, which replaces the sticky wrapper so no cookie is ever used.',
  messages: {
    after: '"{{balancer}}" after "sticky" replaces it: nginx only warns "load balancing method redefined", and stickiness is silently lost',
  },
  create(context) {
    return {
      upstream: (upstream) => {
        let sticky = false;
        for (const child of upstream.children ?? []) {
          if (child.name === 'sticky') sticky = true;
          else if (sticky && balancerDirectives.includes(child.name)) {
            context.report({ node: child, messageId: 'after', data: { balancer: child.name }, hint: `Move "${child.name}" above "sticky" in the upstream block.` });
          }
        }
      },
    };
  },
});
