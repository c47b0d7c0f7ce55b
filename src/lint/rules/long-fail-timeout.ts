import { parseDuration, serverParameter } from '../nginx-values.js';
import { defineRule } from '../rule.js';


export const longFailTimeout = defineRule({
  id: 'long-fail-timeout',
  category: 'upstreams',
  severity: 'warning',
  description: 'A `fail_timeout` above five minutes (option maxSeconds), which keeps a recovered server out of rotation that long.',
  // Above five minutes, one failure keeps a server out of rotation for long enough that users notice.
  options: { defaults: { maxSeconds: 300 }, schema: { type: 'object', properties: { maxSeconds: { type: 'integer', minimum: 1 } }, additionalProperties: false } },
  messages: {
    long: 'fail_timeout={{value}} keeps this server disabled for {{seconds}} s after max_fails failures, even if it recovers at once',
  },
  create(context) {
    const maxSeconds = Number(context.options.maxSeconds);
    return {
      server: (node) => {
        if (node.context !== 'upstream' && node.context !== 'stream-upstream') return;
        const value = serverParameter(node, 'fail_timeout');
        if (typeof value !== 'string') return;
        const seconds = parseDuration(value);
        if (seconds === undefined || seconds <= maxSeconds) return;
        context.report({ node, messageId: 'long', data: { value, seconds }, hint: 'Use a fail_timeout of seconds to a few minutes; the default is 10s.' });
      },
    };
  },
});
