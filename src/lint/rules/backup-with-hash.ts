import { balancersWithoutBackup, serverParameter } from '../nginx-values.js';
import { defineRule } from '../rule.js';

export const backupWithHash = defineRule({
  id: 'backup-with-hash',
  category: 'upstreams',
  severity: 'error',
  description: 'A `backup` server in an upstream balanced by `hash`, `ip_hash` or `random`, whichever comes first.',
  messages: {
    backupAfter: 'balancing method does not support parameter "backup": "{{balancer}}" cannot use a backup server',
    backupBefore: 'backup cannot be used with "{{balancer}}": nginx -t accepts this order, but the server is not treated as a backup',
  },
  create(context) {
    return {
      upstream: (upstream) => {
        const children = upstream.children ?? [];
        const balancerIndex = children.findIndex((child) => balancersWithoutBackup.includes(child.name));
        const balancer = children[balancerIndex];
        if (!balancer) return;

        children.forEach((child, index) => {
          if (child.name !== 'server' || serverParameter(child, 'backup') === undefined) return;
          context.report({
            node: child,
            messageId: index > balancerIndex ? 'backupAfter' : 'backupBefore',
            data: { balancer: balancer.name },
            hint: 'Remove "backup", or balance with round robin or least_conn, which support backup servers.',
          });
        });
      },
    };
  },
});
