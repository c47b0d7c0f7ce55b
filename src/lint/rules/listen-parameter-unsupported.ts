import { defineRule } from '../rule.js';
import { atLeast } from '../target.js';
import { argumentReport, missingSemicolonHint } from '../tree.js';

/**
 * Parameters of `listen` in an http server, with the open-source version
 * that added each one, from ngx_http_core_listen() and nginx's changelog.
 * Parameters written `name=value` are listed by name.
 */
const listenParameters: ReadonlyMap<string, string | undefined> = new Map([
  ['default_server', undefined],
  ['default', undefined],
  ['ssl', undefined],
  ['http2', undefined],
  ['proxy_protocol', undefined],
  ['setfib', undefined],
  ['fastopen', undefined],
  ['backlog', undefined],
  ['rcvbuf', undefined],
  ['sndbuf', undefined],
  ['accept_filter', undefined],
  ['deferred', undefined],
  ['bind', undefined],
  ['ipv6only', undefined],
  ['reuseport', undefined],
  ['so_keepalive', undefined],
  ['quic', '1.25.0'],
  ['multipath', '1.29.7'],
]);

export const listenParameterUnsupported = defineRule({
  id: 'listen-parameter-unsupported',
  category: 'versions',
  severity: 'error',
  description: 'A `listen` parameter that the target nginx rejects: unknown, or newer than the target (`quic` before 1.25.0).',
  messages: {
    unknown: 'invalid parameter "{{parameter}}"',
    unterminated: 'invalid parameter "{{parameter}}": line {{line}} probably lacks its ";"',
    tooNew: 'invalid parameter "{{parameter}}": it appeared in nginx {{since}}, and the target is {{version}}',
  },
  create(context) {
    return {
      listen: (node) => {
        if (node.context !== 'server') return;
        // ngx_http_core_listen() stops at the first parameter it rejects, so one line gives at most one finding.
        for (let index = 1; index < node.args.length; index++) {
          const argument = node.args[index] as string;
          const name = argument.split('=')[0] ?? argument;
          const { position, unterminatedLine } = argumentReport(context.tree, node, index);
          if (!listenParameters.has(name)) {
            if (unterminatedLine === undefined) {
              context.report({ node, messageId: 'unknown', data: { parameter: argument }, hint: 'Check the spelling against the listen directive of the target nginx.', position });
              return;
            }
            context.report({ node, messageId: 'unterminated', data: { parameter: argument, line: unterminatedLine }, hint: missingSemicolonHint(node, unterminatedLine), position });
            return;
          }
          const since = listenParameters.get(name);
          if (since === undefined || atLeast(context.target, since)) continue;
          context.report({ node, messageId: 'tooNew', data: { parameter: argument, since, version: context.target.version }, hint: `Remove "${name}", or target nginx ${since} or later.`, position });
          return;
        }
      },
    };
  },
});
