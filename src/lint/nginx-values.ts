import { childrenNamed, type LintNode, type LintTree } from './tree.js';

/** Directives that choose an upstream's balancing method. */
export const balancerDirectives: readonly string[] = ['hash', 'ip_hash', 'random', 'least_conn', 'least_time'];

/** Balancers that do not support `backup` (ngx_http_upstream_{hash,ip_hash,random}() leave out the BACKUP flag). */
export const balancersWithoutBackup: readonly string[] = ['hash', 'ip_hash', 'random'];

const EQUALS_SIGN = 61;
const LEFT_BRACE = 123;
const RIGHT_BRACE = 125;

const timeUnits: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, M: 2_592_000, y: 31_536_000 };

/**
 * Reads an nginx time value (`30`, `10s`, `1h 30m`, `1h30m`) as seconds, or
 * undefined when it is not one. A bare number is seconds, as in
 * ngx_parse_time().
 */
export function parseDuration(text: string): number | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact === '') return undefined;
  let total = 0;
  const pattern = /(\d+)(ms|[smhdwMy])?/gy;
  let consumed = 0;
  for (let match = pattern.exec(compact); match; match = pattern.exec(compact)) {
    total += Number(match[1]) * (timeUnits[match[2] ?? 's'] ?? 1);
    consumed = pattern.lastIndex;
  }
  return consumed === compact.length ? total : undefined;
}

/** Time units in the order ngx_parse_time() requires them, largest first, with their length in seconds. */
const strictTimeUnits: readonly (readonly [unit: string, seconds: number])[] = [
  ['y', 31_536_000],
  ['M', 2_592_000],
  ['w', 604_800],
  ['d', 86_400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/** The largest value of nginx's ngx_int_t on 64-bit systems. */
const maxNginxInteger = 2n ** 63n - 1n;

/**
 * Reads a time in seconds as ngx_parse_time(value, 1) does for parameters
 * such as `fail_timeout=`, or returns undefined where nginx fails. Unlike
 * parseDuration(), it rejects `ms`, units out of order (`30s1m`), a repeated
 * unit, and a space that is followed by a unit (`1 s`), as nginx 1.22.1 to
 * 1.31.4 do. A trailing number without a unit counts as seconds.
 */
export function parseStrictSeconds(text: string): number | undefined {
  let total = 0;
  let digits = '';
  let sawDigit = false;
  // The index of the last unit read in strictTimeUnits; a space counts as one past the last.
  let step = -1;

  for (let index = 0; index < text.length; index++) {
    const character = text[index] as string;
    if (character >= '0' && character <= '9') {
      digits += character;
      sawDigit = true;
      continue;
    }

    const unitIndex = character === ' ' ? strictTimeUnits.length : strictTimeUnits.findIndex(([unit]) => unit === character);
    if (unitIndex === -1 || unitIndex <= step) return undefined;
    // "ms" is the one two-letter unit, and nginx rejects it where the result is in seconds.
    if (character === 'm' && text[index + 1] === 's') return undefined;
    step = unitIndex;
    const seconds = strictTimeUnits[unitIndex]?.[1] ?? 1;
    if (digits !== '' && BigInt(digits) * BigInt(seconds) > maxNginxInteger) return undefined;
    total += Number(digits === '' ? 0 : digits) * seconds;
    digits = '';
    while (text[index + 1] === ' ') index++;
  }

  if (!sawDigit) return undefined;
  if (digits !== '' && BigInt(digits) > maxNginxInteger) return undefined;
  return total + Number(digits === '' ? 0 : digits);
}

/** Reads a non-negative whole number as ngx_atoi() does: digits only, at most 2^63 - 1. */
export function parseNginxInteger(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  if (text.length >= 19 && BigInt(text) > maxNginxInteger) return undefined;
  return Number(text);
}

/**
 * Returns one parameter of an upstream `server` line: its value after `=`,
 * `true` for a flag such as `backup`, or undefined when the line does not
 * have it. When a parameter is repeated, the last one counts. Rules call this
 * for every server, so it allocates nothing but the value.
 */
export function serverParameter(server: LintNode, name: string): string | true | undefined {
  return namedParameter(server.args, name);
}

/** True when a `listen` line has the parameter `name`, as a flag (`ssl`) or with a value (`backlog=511`). */
export function hasListenParameter(listen: LintNode, name: string): boolean {
  return namedParameter(listen.args, name) !== undefined;
}

/** Returns the parameter `name` or `name=value` among the arguments after the first, the last one when repeated. */
function namedParameter(args: readonly string[], name: string): string | true | undefined {
  for (let index = args.length - 1; index >= 1; index--) {
    const arg = args[index] as string;
    if (arg === name) return true;
    // The name is the text before the first "=", and names contain no "=".
    if (arg.length > name.length && arg.charCodeAt(name.length) === EQUALS_SIGN && arg.startsWith(name)) return arg.slice(name.length + 1);
  }
  return undefined;
}

/** Returns the parameter names of a `listen` line after the address. */
export function listenParameters(listen: LintNode): Set<string> {
  return new Set(listen.args.slice(1).map((arg) => arg.split('=')[0] ?? arg));
}

/** True when every `listen` of an http server uses TLS (`ssl` or `quic`), so plain HTTP never reaches it. */
export function isTlsOnlyServer(server: LintNode): boolean {
  const listens = childrenNamed(server, 'listen');
  if (listens.length === 0) return false;
  return listens.every((listen) => {
    const parameters = listenParameters(listen);
    return parameters.has('ssl') || parameters.has('quic');
  });
}

/** Returns the `upstream` blocks of the http context by name. */
export function httpUpstreams(tree: LintTree): Map<string, LintNode> {
  const upstreams = new Map<string, LintNode>();
  for (const node of tree.byName.get('upstream') ?? []) {
    const name = node.args[0];
    if (node.context === 'http' && name !== undefined) upstreams.set(name, node);
  }
  return upstreams;
}

/** Returns the `proxy_pass` directives of the http context whose literal URL names `upstream`. */
export function proxyPassesTo(tree: LintTree, upstream: string): LintNode[] {
  return (tree.byName.get('proxy_pass') ?? []).filter((node) => node.context !== 'stream-server' && urlHost(node.args[0]) === upstream);
}

/** Maximum entries in each cache of parsed values, so that a huge configuration cannot grow one without bound. */
const maxCachedValues = 100_000;

const urlHosts = new Map<string, string | undefined>();

/** Returns the host part of a `scheme://host[:port]/path` URL as written, variables included. */
export function urlHost(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  // Several rules look at every proxy_pass, and large configurations repeat the same URLs.
  if (urlHosts.has(url)) return urlHosts.get(url);
  const host = parseUrlHost(url);
  if (urlHosts.size < maxCachedValues) urlHosts.set(url, host);
  return host;
}

const urlAuthorityPattern = /^[a-z]+:\/\/([^/]*)/i;
/** Variables that always start with "/", so the host ends where one begins. */
const pathVariablePattern = /\$\{?(?:request_uri|uri|document_uri)\b/;

function parseUrlHost(url: string): string | undefined {
  const match = urlAuthorityPattern.exec(url);
  if (!match) return undefined;
  const authority = match[1] ?? '';
  const pathVariable = authority.includes('$') ? pathVariablePattern.exec(authority) : null;
  const hostPort = pathVariable ? authority.slice(0, pathVariable.index) : authority;
  if (hostPort.startsWith('[')) return hostPort.slice(0, hostPort.indexOf(']') + 1);
  const colon = hostPort.lastIndexOf(':');
  return colon === -1 ? hostPort : hostPort.slice(0, colon);
}

const noVariables: readonly string[] = Object.freeze([]);
const variablesByValue = new Map<string, readonly string[]>();

/**
 * Returns the variable names (`$name`, `${name}`, `$1`) in a value, as the
 * pattern `\$(?:\{(\w+)\}|(\w+))` finds them. Rules call it for most
 * header and proxy values, and large configurations repeat the same values,
 * so results are cached and the scan goes by character code. The returned
 * list may be shared: do not change it.
 */
export function variablesIn(value: string): readonly string[] {
  const dollar = value.indexOf('$');
  if (dollar === -1) return noVariables;

  const cached = variablesByValue.get(value);
  if (cached) return cached;

  const names = scanVariables(value, dollar);
  if (variablesByValue.size < maxCachedValues) variablesByValue.set(value, names);
  return names;
}

/** Returns the variable names in `value`, whose first `$` is at `firstDollar`. */
function scanVariables(value: string, firstDollar: number): readonly string[] {
  let dollar = firstDollar;
  const names: string[] = [];
  while (dollar !== -1) {
    let next = dollar + 1;
    if (value.charCodeAt(next) === LEFT_BRACE) {
      const end = wordEnd(value, next + 1);
      if (end > next + 1 && value.charCodeAt(end) === RIGHT_BRACE) {
        names.push(value.slice(next + 1, end));
        next = end + 1;
      }
    } else {
      const end = wordEnd(value, next);
      if (end > next) {
        names.push(value.slice(next, end));
        next = end;
      }
    }
    dollar = value.indexOf('$', next);
  }
  return names;
}

/** Returns the index after the run of word characters (`\w`: ASCII letters, digits, `_`) that starts at `start`. */
function wordEnd(value: string, start: number): number {
  let index = start;
  for (; index < value.length; index++) {
    const code = value.charCodeAt(index);
    const isWordCharacter = (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
    if (!isWordCharacter) break;
  }
  return index;
}

/** Variables whose value the client chooses. */
export function isClientControlledVariable(name: string): boolean {
  return /^(?:arg_|http_|cookie_|sent_http_)/.test(name) || ['uri', 'document_uri', 'request_uri', 'args', 'query_string', 'request_body', 'host', 'request'].includes(name);
}

/** Returns the header name of a header-setting directive, lowercased. */
export function headerName(node: LintNode): string {
  return (node.args[0] ?? '').toLowerCase();
}

/** Finds the http `upstream` block that a `proxy_pass` (or `grpc_pass`) names literally. */
export function upstreamOfPass(pass: LintNode, upstreams: ReadonlyMap<string, LintNode>): LintNode | undefined {
  const host = urlHost(pass.args[0]);
  return host === undefined ? undefined : upstreams.get(host);
}
