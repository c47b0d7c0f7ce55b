import { httpUpstreams, urlHost, variablesIn } from '../nginx-values.js';
import { defineRule } from '../rule.js';
import { effectiveDirectives, type LintTree } from '../tree.js';

export const proxyPassWithoutResolver = defineRule({
  id: 'proxy-pass-without-resolver',
  category: 'security',
  severity: 'error',
  description: 'A `proxy_pass` with a variable host and no `resolver`, which fails at run time with 502 for any name that is not an upstream.',
  messages: {
    noResolver: 'proxy_pass host "{{host}}" is resolved at run time, but no resolver is defined here, so requests for names that are not upstream blocks fail with 502',
  },
  create(context) {
    let upstreamNames: Set<string> | undefined;
    return {
      proxy_pass: (node) => {
        if (node.context === 'stream-server') return;
        const host = urlHost(node.args[0]);
        if (host === undefined || !host.includes('$')) return;
        if (effectiveDirectives(node.parent ?? node, 'resolver', context.tree).length > 0) return;

        upstreamNames ??= new Set(httpUpstreams(context.tree).keys());
        if (variablesIn(host).every((variable) => valuesAreUpstreams(variable, upstreamNames ?? new Set(), context.tree))) return;

        context.report({ node, messageId: 'noResolver', data: { host }, hint: 'Add "resolver ADDRESS valid=30s;" to the server or http block, or map the variable only to upstream names.' });
      },
    };
  },
});

/**
 * True when every value a `map`, `geo`, `split_clients` or `set` can give the
 * variable is the name of an upstream block, which nginx finds without DNS.
 */
function valuesAreUpstreams(variable: string, upstreams: ReadonlySet<string>, tree: LintTree): boolean {
  const definitions: string[] = [];
  // The variable is the last argument of map, geo and split_clients.
  const definers = [...(tree.byName.get('map') ?? []), ...(tree.byName.get('geo') ?? []), ...(tree.byName.get('split_clients') ?? [])];
  for (const definer of definers) {
    if (definer.args[definer.args.length - 1] !== `$${variable}`) continue;
    for (const entry of definer.children ?? []) {
      if (['hostnames', 'volatile', 'ranges', 'proxy', 'proxy_recursive', 'delete', 'include'].includes(entry.name)) continue;
      const value = entry.args[entry.args.length - 1];
      if (value !== undefined) definitions.push(value);
    }
  }
  for (const set of tree.byName.get('set') ?? []) {
    if (set.args[0] === `$${variable}` && set.args[1] !== undefined) definitions.push(set.args[1]);
  }
  return definitions.length > 0 && definitions.every((value) => upstreams.has(value));
}
