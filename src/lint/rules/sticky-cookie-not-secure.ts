import { isTlsOnlyServer, proxyPassesTo } from '../nginx-values.js';
import { defineRule } from '../rule.js';
import { ancestorNamed, enclosingServer, type LintNode } from '../tree.js';

export const stickyCookieNotSecure = defineRule({
  id: 'sticky-cookie-not-secure',
  category: 'http2',
  severity: 'warning',
  description: 'A sticky cookie without `secure` for an upstream that only TLS servers use.',
  messages: {
    notSecure: 'sticky cookie "{{cookie}}" has no "secure" attribute, but every server that proxies to "{{upstream}}" listens only with TLS',
  },
  create(context) {
    return {
      sticky: (node) => {
        if (node.args[0] !== 'cookie' || node.args.slice(2).includes('secure')) return;
        const upstream = ancestorNamed(node, 'upstream');
        const name = upstream?.args[0];
        if (!upstream || upstream.context !== 'http' || name === undefined) return;

        const servers = proxyPassesTo(context.tree, name).map(enclosingServer).filter((server): server is LintNode => server !== undefined);
        if (servers.length === 0 || !servers.every(isTlsOnlyServer)) return;

        context.report({
          node,
          messageId: 'notSecure',
          data: { cookie: node.args[1] ?? '', upstream: name },
          hint: 'Add "secure" (and "httponly") to the sticky directive so the cookie never travels over plain HTTP.',
        });
      },
    };
  },
});
