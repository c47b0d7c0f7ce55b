import { httpUpstreams, upstreamOfPass } from '../nginx-values.js';
import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';
import { effectiveDirectives, hasChildNamed, lastEffectiveDirective, type LintNode } from '../tree.js';

export const keepaliveWithoutHttp11 = defineRule({
  id: 'keepalive-without-http11',
  category: 'upstreams',
  severity: 'warning',
  description: 'An upstream with `keepalive` proxied without HTTP/1.1 and a cleared Connection header, before nginx 1.29.7.',
  messages: {
    missing: 'upstream "{{upstream}}" has keepalive, but this location {{missing}}, so every backend connection is closed after one request',
  },
  create(context) {
    // From 1.29.7 proxy_http_version defaults to 1.1 and no Connection header is sent.
    if (atLeast(context.target, '1.29.7')) return {};
    let upstreams: Map<string, LintNode> | undefined;

    return {
      proxy_pass: (node) => {
        upstreams ??= httpUpstreams(context.tree);
        const upstream = upstreamOfPass(node, upstreams);
        if (!upstream || !hasChildNamed(upstream, 'keepalive')) return;

        const version = lastEffectiveDirective(node.parent ?? node, 'proxy_http_version', context.tree)?.args[0];
        // HTTP/2 backend connections (1.29.4 and later) go into the keepalive cache without any Connection header.
        if (version === '2') return;
        const headers = effectiveDirectives(node.parent ?? node, 'proxy_set_header', context.tree);
        const connectionCleared = headers.some((header) => header.args[0]?.toLowerCase() === 'connection' && !/^close$/i.test(header.args[1] ?? ''));

        const missing: string[] = [];
        if (version !== '1.1') missing.push(`uses HTTP/${version ?? '1.0'} to the backend`);
        if (!connectionCleared) missing.push('sends "Connection: close"');
        if (missing.length === 0) return;

        context.report({
          node,
          messageId: 'missing',
          data: { upstream: upstream.args[0] ?? '', missing: missing.join(' and ') },
          hint: 'Add "proxy_http_version 1.1;" and "proxy_set_header Connection \\"\\";" to the location (or its server).',
        });
      },
    };
  },
});
