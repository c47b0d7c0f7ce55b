import { serverParameter, variablesIn } from '../nginx-values.js';
import { defineRule } from '../rule.js';
import { childrenNamed } from '../tree.js';

export const hashCookieNotConsistent = defineRule({
  id: 'hash-cookie-not-consistent',
  category: 'upstreams',
  severity: 'warning',
  description: '`hash` on a cookie without `consistent`, so adding or removing one server moves almost every session.',
  messages: {
    notConsistent: '"hash {{key}}" without "consistent": a change in the server list remaps most cookie values to other servers',
  },
  create(context) {
    return {
      hash: (node) => {
        const key = node.args[0] ?? '';
        if (node.args[1] === 'consistent') return;
        if (!variablesIn(key).some((name) => name.startsWith('cookie_'))) return;

        // With fewer than two primary servers nginx never hashes: it falls back to round robin.
        const primaries = childrenNamed(node.parent, 'server').filter((server) => serverParameter(server, 'backup') === undefined);
        if (primaries.length < 2) return;
        context.report({
          node,
          messageId: 'notConsistent',
          data: { key },
          hint: `Write "hash ${key} consistent;" so that only about 1/N of the sessions move when a server is added or removed.`,
        });
      },
    };
  },
});
