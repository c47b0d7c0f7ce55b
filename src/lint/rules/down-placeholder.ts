import { serverParameter } from '../nginx-values.js';
import { defineRule } from '../rule.js';
import { childrenNamed, type LintNode } from '../tree.js';

export const downPlaceholder = defineRule({
  id: 'down-placeholder',
  category: 'upstreams',
  severity: 'warning',
  description: 'One live server plus `down` placeholders, which turns on failure accounting for the only live server.',
  messages: {
    placeholder:
      'this "down" server makes the upstream a group of {{count}}, so max_fails and fail_timeout now apply to the only live server {{live}}: after a failure it is disabled and requests get 502 for {{timeout}}',
  },
  create(context) {
    return {
      upstream: (upstream) => {
        const servers = childrenNamed(upstream, 'server');
        const has = (server: LintNode, parameter: string): boolean => serverParameter(server, parameter) !== undefined;
        if (servers.some((server) => has(server, 'backup') || has(server, 'resolve'))) return;

        const down = servers.filter((server) => has(server, 'down'));
        const live = servers.filter((server) => !has(server, 'down') && !has(server, 'drain'));
        const liveServer = live[0];
        const firstDown = down[0];
        if (live.length !== 1 || !liveServer || !firstDown) return;

        // A single-peer group never counts failures (ngx_http_upstream_free_round_robin_peer()); max_fails=0 turns counting off too.
        if (serverParameter(liveServer, 'max_fails') === '0') return;
        const timeout = serverParameter(liveServer, 'fail_timeout');

        context.report({
          node: firstDown,
          messageId: 'placeholder',
          data: { count: servers.length, live: liveServer.args[0] ?? '', timeout: typeof timeout === 'string' ? timeout : '10s' },
          hint: 'Remove the placeholder, or add "max_fails=0" to the live server.',
        });
      },
    };
  },
});
