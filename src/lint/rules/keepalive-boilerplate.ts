import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';

/** nginx 1.29.7 made HTTP/1.1 the default proxy_http_version and stopped sending `Connection: close`. */
const defaultsSince = '1.29.7';

export const keepaliveBoilerplate = defineRule({
  id: 'keepalive-boilerplate',
  category: 'versions',
  severity: 'info',
  description: 'Lines that enabled upstream keepalive before nginx 1.29.7 and are defaults from then on.',
  messages: {
    httpVersion: '"proxy_http_version 1.1" is the default from nginx 1.29.7 on',
    connection: '"proxy_set_header Connection \\"\\"" is unnecessary from nginx 1.29.7 on, which no longer sends a Connection header to backends',
  },
  create(context) {
    const applies = atLeast(context.target, defaultsSince);
    const hint = 'Remove the line, unless the same file must also work with nginx older than 1.29.7.';
    return {
      proxy_http_version: (node) => {
        if (applies && node.args[0] === '1.1') context.report({ node, messageId: 'httpVersion', hint });
      },
      proxy_set_header: (node) => {
        if (applies && node.args[0]?.toLowerCase() === 'connection' && node.args[1] === '') context.report({ node, messageId: 'connection', hint });
      },
    };
  },
});
