import { isClientControlledVariable, urlHost, variablesIn } from '../nginx-values.js';
import { defineRule } from '../rule.js';
import type { LintNode } from '../tree.js';

export const ssrfVariableProxyPass = defineRule({
  id: 'ssrf-variable-proxy-pass',
  category: 'security',
  severity: 'error',
  description: 'A proxy target whose host comes from a request value, so a client can make nginx connect anywhere.',
  messages: {
    ssrf: '{{directive}} takes its host from ${{variable}}, which the client controls: a request can make nginx connect to any host it can reach',
  },
  create(context) {
    const check = (node: LintNode): void => {
      const host = urlHost(node.args[0]) ?? node.args[0] ?? '';
      const location = node.parent?.name === 'location' ? node.parent : undefined;
      const regexLocation = location !== undefined && (location.args[0] === '~' || location.args[0] === '~*');

      for (const variable of variablesIn(host)) {
        const capture = /^\d$/.test(variable) && regexLocation;
        if (!capture && !isClientControlledVariable(variable)) continue;
        context.report({
          node,
          messageId: 'ssrf',
          data: { directive: node.name, variable },
          hint: 'Choose the backend with a map from the request value to a fixed list of upstream names, and proxy to the map variable.',
        });
        return;
      }
    };
    return { proxy_pass: check, grpc_pass: check, fastcgi_pass: check, uwsgi_pass: check, scgi_pass: check };
  },
});
