import { parseNginxInteger, parseStrictSeconds } from '../nginx-values.js';
import { defineRule } from '../rule.js';
import { atLeast, type Target } from '../target.js';
import { argumentReport, missingSemicolonHint } from '../tree.js';
import { closestMatch } from '../../util/suggest.js';

/** The kind of value after a parameter's `=`, or `flag` for a bare word such as `backup`. */
type ParameterValue = 'flag' | 'count' | 'positive-count' | 'seconds' | 'text';

interface ServerParameter {
  value: ParameterValue;
  /** Accepted in stream `upstream` blocks too, not only in http ones. */
  stream: boolean;
  /** The first open-source version that accepts it; undefined for every supported version. */
  ossSince?: string;
  /** Only NGINX Plus accepts it. */
  plusOnly?: true;
  /** The rule that reports this parameter on a target too old for it, so that one mistake gives one finding. */
  versionRule?: string;
  /** The maximum length of the value, in bytes. */
  maxLength?: number;
}

/**
 * Parameters of `server` in an `upstream` block, as ngx_http_upstream_server()
 * and ngx_stream_upstream_server() read them (nginx 1.22.1 to 1.31.4).
 * Names written `name=value` are listed by name.
 */
const serverParameters: ReadonlyMap<string, ServerParameter> = new Map<string, ServerParameter>([
  ['weight', { value: 'positive-count', stream: true }],
  ['max_conns', { value: 'count', stream: true }],
  ['max_fails', { value: 'count', stream: true }],
  ['fail_timeout', { value: 'seconds', stream: true }],
  ['backup', { value: 'flag', stream: true }],
  ['down', { value: 'flag', stream: true }],
  ['resolve', { value: 'flag', stream: true, ossSince: '1.27.3', versionRule: 'resolve-without-zone' }],
  ['service', { value: 'text', stream: true, ossSince: '1.27.3' }],
  // NGX_HTTP_UPSTREAM_SID_LEN: the route is compared with a cookie that contains an MD5 in hex.
  ['route', { value: 'text', stream: false, ossSince: '1.29.6', versionRule: 'sticky-unsupported', maxLength: 32 }],
  ['drain', { value: 'flag', stream: false, ossSince: '1.29.6', versionRule: 'sticky-unsupported' }],
  // NOTE: the NGINX Plus rows follow its documentation; no Plus binary was run to check them.
  ['slow_start', { value: 'seconds', stream: true, plusOnly: true }],
]);

/** Maximum parameters remembered as accepted, so that a huge configuration cannot grow the set without bound. */
const maxAcceptedParameters = 10_000;

const valueHints: Readonly<Record<ParameterValue, string>> = {
  flag: 'takes no value',
  count: 'takes a whole number of 0 or more, such as max_fails=3',
  'positive-count': 'takes a whole number of 1 or more, such as weight=2',
  seconds: 'takes a time in seconds, such as 10, 30s or 1m30s (not ms)',
  text: 'takes a value after "="',
};

export const serverParameterInvalid = defineRule({
  id: 'server-parameter-invalid',
  category: 'syntax',
  severity: 'error',
  description: 'An upstream `server` parameter that nginx rejects: unknown, misspelled, with a value of the wrong kind, or newer than the target.',
  messages: {
    invalid: 'invalid parameter "{{parameter}}"',
    unterminated: 'invalid parameter "{{parameter}}": line {{line}} probably lacks its ";"',
    tooNew: 'invalid parameter "{{parameter}}": open-source nginx accepts it from {{since}} on, and the target is {{version}}',
    plusOnly: 'invalid parameter "{{parameter}}": it is available only in NGINX Plus',
    empty: '{{name}} is empty',
    tooLong: '{{name}} is longer than {{maxLength}}',
  },
  create(context) {
    // Large configurations repeat the same parameters, such as max_fails=3, so accepted ones are remembered per module.
    const acceptedHttp = new Set<string>();
    const acceptedStream = new Set<string>();
    return {
      server: (node) => {
        const stream = node.context === 'stream-upstream';
        if (node.context !== 'upstream' && !stream) return;
        const accepted = stream ? acceptedStream : acceptedHttp;

        // nginx stops at the first parameter it rejects, so one line gives at most one finding.
        for (let index = 1; index < node.args.length; index++) {
          const argument = node.args[index] as string;
          if (accepted.has(argument)) continue;
          const equals = argument.indexOf('=');
          const name = equals === -1 ? argument : argument.slice(0, equals);
          const parameter = serverParameters.get(name);
          const problem = checkParameter(argument, name, equals, parameter, stream, context.target);
          if (problem === undefined) {
            if (accepted.size < maxAcceptedParameters) accepted.add(argument);
            continue;
          }
          if (problem === 'reported-elsewhere') return;

          const { position, unterminatedLine } = argumentReport(context.tree, node, index);
          if (unterminatedLine !== undefined && problem.messageId === 'invalid') {
            context.report({ node, messageId: 'unterminated', data: { parameter: argument, line: unterminatedLine }, hint: missingSemicolonHint(node, unterminatedLine), position });
            return;
          }
          context.report({ node, messageId: problem.messageId, data: problem.data, hint: problem.hint, position });
          return;
        }
      },
    };
  },
});

interface ParameterProblem {
  messageId: string;
  data: Readonly<Record<string, string | number>>;
  hint: string;
}

/** Checks one parameter; returns undefined when nginx accepts it, or 'reported-elsewhere' when another rule reports it. */
function checkParameter(
  argument: string,
  name: string,
  equals: number,
  parameter: ServerParameter | undefined,
  stream: boolean,
  target: Target,
): ParameterProblem | 'reported-elsewhere' | undefined {
  const invalid = { parameter: argument };
  const takesValue = parameter !== undefined && parameter.value !== 'flag';
  // nginx matches `weight=` and the like by prefix, and `backup` and the like as the whole word.
  if (!parameter || (parameter.stream === false && stream) || takesValue !== (equals !== -1)) {
    return { messageId: 'invalid', data: invalid, hint: unknownHint(name, stream, target, parameter) };
  }

  if (parameter.plusOnly && target.edition === 'oss') {
    return { messageId: 'plusOnly', data: invalid, hint: `Remove "${name}", or target NGINX Plus.` };
  }
  if (parameter.ossSince !== undefined && target.edition === 'oss' && !atLeast(target, parameter.ossSince)) {
    if (parameter.versionRule !== undefined) return 'reported-elsewhere';
    return {
      messageId: 'tooNew',
      data: { parameter: argument, since: parameter.ossSince, version: target.version },
      hint: `Remove "${name}", or target nginx ${parameter.ossSince} or later.`,
    };
  }

  const value = argument.slice(equals + 1);
  if (valueIsValid(parameter.value, value)) {
    if (parameter.value !== 'text') return undefined;
    if (value === '') return { messageId: 'empty', data: { name }, hint: `Give "${name}=" a value, or remove it.` };
    if (parameter.maxLength !== undefined && Buffer.byteLength(value) > parameter.maxLength) {
      return { messageId: 'tooLong', data: { name, maxLength: parameter.maxLength }, hint: `Shorten the ${name} value to ${parameter.maxLength} bytes or fewer.` };
    }
    return undefined;
  }
  return { messageId: 'invalid', data: invalid, hint: `"${name}" ${valueHints[parameter.value]}.` };
}

function valueIsValid(kind: ParameterValue, value: string): boolean {
  switch (kind) {
    case 'flag':
    case 'text':
      return true;
    case 'count':
      return parseNginxInteger(value) !== undefined;
    case 'positive-count':
      return (parseNginxInteger(value) ?? 0) > 0;
    case 'seconds':
      return parseStrictSeconds(value) !== undefined;
  }
}

/** Names the parameters the target accepts in this kind of upstream, with a spelling suggestion when one is close. */
function unknownHint(name: string, stream: boolean, target: Target, parameter: ServerParameter | undefined): string {
  if (parameter && parameter.value === 'flag') return `"${name}" takes no value: write "${name}" without "=".`;
  if (parameter) return `"${name}" ${valueHints[parameter.value]}.`;

  const accepted = [...serverParameters]
    .filter(([, candidate]) => (candidate.stream || !stream) && isAvailable(candidate, target))
    .map(([candidate, { value }]) => (value === 'flag' ? candidate : `${candidate}=`));
  const suggestion = closestMatch(name, accepted.map((candidate) => candidate.replace(/=$/, '')));
  return `${suggestion ? `Did you mean "${suggestion}"? ` : ''}Valid parameters here: ${accepted.join(', ')}.`;
}

function isAvailable(parameter: ServerParameter, target: Target): boolean {
  if (target.edition === 'plus') return true;
  if (parameter.plusOnly) return false;
  return parameter.ossSince === undefined || atLeast(target, parameter.ossSince);
}
