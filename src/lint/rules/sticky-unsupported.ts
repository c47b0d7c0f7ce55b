import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';

/** Open-source nginx gained `sticky` and the `route=` and `drain` server parameters in 1.29.6; Plus has had them for years. */
const ossStickySince = '1.29.6';

export const stickyUnsupported = defineRule({
  id: 'sticky-unsupported',
  category: 'versions',
  severity: 'error',
  description: 'The `sticky` directive, or the `route=` and `drain` server parameters, on open-source nginx before 1.29.6.',
  replacesUnknownDirective: ['sticky'],
  messages: {
    sticky: 'unknown directive "sticky": open-source nginx has "sticky" from 1.29.6 on, and the target is {{version}}',
    parameter: 'invalid parameter "{{parameter}}": open-source nginx accepts it from 1.29.6 on, and the target is {{version}}',
  },
  create(context) {
    const unsupported = context.target.edition === 'oss' && !atLeast(context.target, ossStickySince);
    const hint = 'Target nginx 1.29.6 or later, NGINX Plus, or emulate stickiness with a map on the cookie (h2sticky build does this).';
    return {
      sticky: (node) => {
        if (!unsupported || node.context !== 'upstream') return;
        context.report({ node, messageId: 'sticky', data: { version: context.target.version }, hint });
      },
      server: (node) => {
        if (!unsupported || node.context !== 'upstream') return;
        for (const argument of node.args.slice(1)) {
          if (argument !== 'drain' && !argument.startsWith('route=')) continue;
          context.report({ node, messageId: 'parameter', data: { parameter: argument, version: context.target.version }, hint });
        }
      },
    };
  },
});
