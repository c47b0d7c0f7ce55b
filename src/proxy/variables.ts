/**
 * nginx variables as the proxy evaluates them: proxy_set_header values,
 * add_header values, map sources, hash keys and the `proxy_pass` target.
 * A template is compiled once, when the Plan is loaded, into literal parts
 * and variable readers, so evaluation per request does no parsing.
 */

import { randomFillSync } from 'node:crypto';

import type { PlanMap } from '../plan/types.js';
import { parseCookieLines, parseSetCookieLines } from './core/cookie-lines.js';
import { compileMap } from './core/map.js';

/** One request header as received; HTTP/2 names are lowercase, HTTP/1 names keep their case. */
export interface HeaderField {
  name: string;
  value: string;
}

/** The request values that variables read. Values that cost work are computed on first use. */
export interface RequestFacts {
  method: string;
  /** The request target as the client sent it: path and query ($request_uri). */
  requestUri: string;
  /** The normalized path ($uri). */
  uri: string;
  /** The query string without "?" ($args). */
  args: string;
  scheme: 'http' | 'https';
  /** HTTP/1.0, HTTP/1.1 or HTTP/2.0 ($server_protocol). */
  protocol: string;
  /** $host: the host from the request line, Host or :authority, lowercase without port; else the server name. */
  host: string;
  headers: readonly HeaderField[];
  remoteAddress: string;
  remotePort: number;
  serverAddress: string;
  serverPort: number;
  /** The first server_name of the selected server, or "" ($server_name). */
  serverName: string;
  /** $request_id, made on first use. */
  requestId?: string;
  /** The upstream block name once a location chose one ($proxy_host). */
  proxyHost?: string;
  /** $upstream_addr and $upstream_status once an upstream was used. */
  upstreamAddr?: string;
  upstreamStatus?: string;
  /** The header lines of the current attempt's response, for $upstream_http_NAME and $upstream_cookie_NAME (sticky learn). */
  upstreamHeaders?: readonly HeaderField[];
  /** The request body's length in bytes, or undefined when the request has no body. */
  bodyLength?: number;
  /** Values of map variables computed for this request, by name with "$". */
  mapCache?: Map<string, string>;
}

/** Reads one variable for a request. */
export type VariableReader = (facts: RequestFacts) => string;

/** Settings that change how some variables read, by nginx version. */
export interface VariableOptions {
  /** Before nginx 1.29.6, $cookie_NAME also treats "," as a separator. */
  cookieSplitsOnComma: boolean;
}

export type Template = readonly (string | VariableReader)[];

/** Compiles `$name` and `${name}` references in a value into a Template. */
export function compileTemplate(text: string, variables: VariableTable): Template {
  const parts: (string | VariableReader)[] = [];
  const pattern = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;
  let last = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(variables.reader(match[1] ?? match[2]!));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** Evaluates a compiled template for a request. */
export function evaluate(template: Template, facts: RequestFacts): string {
  if (template.length === 1) {
    const only = template[0]!;
    return typeof only === 'string' ? only : only(facts);
  }
  let result = '';
  for (const part of template) result += typeof part === 'string' ? part : part(facts);
  return result;
}

/** Returns every value of a header, joined as nginx 1.23.0 and later join repeated headers. */
export function headerValue(facts: RequestFacts, lowercaseName: string): string | undefined {
  let value: string | undefined;
  for (const header of facts.headers) {
    if (header.name.length !== lowercaseName.length || header.name.toLowerCase() !== lowercaseName) continue;
    value = value === undefined ? header.value : `${value}${lowercaseName === 'cookie' ? '; ' : ', '}${header.value}`;
  }
  return value;
}

function headerValues(headers: readonly HeaderField[], lowercaseName: string): string[] {
  const values: string[] = [];
  for (const header of headers) if (header.name.toLowerCase() === lowercaseName) values.push(header.value);
  return values;
}

/** Random bytes drawn in blocks, so that a request id costs no system call of its own. */
const randomPool = Buffer.alloc(16 * 256);
let randomOffset = randomPool.length;

/** Returns a new request id: 16 random bytes in hex, as nginx's $request_id. */
export function newRequestId(): string {
  if (randomOffset === randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  const id = randomPool.toString('hex', randomOffset, randomOffset + 16);
  randomOffset += 16;
  return id;
}

/** Returns the request's $request_id, made on first use. */
export function requestId(facts: RequestFacts): string {
  facts.requestId ??= newRequestId();
  return facts.requestId;
}

/** The variables nginx defines that the Plan's values use, plus the Plan's maps. */
export class VariableTable {
  private readonly maps = new Map<string, PlanMap>();
  private readonly mapReaders = new Map<string, VariableReader>();

  constructor(
    maps: readonly PlanMap[],
    private readonly options: VariableOptions,
  ) {
    for (const map of maps) this.maps.set(map.variable.slice(1), map);
  }

  /** Returns the reader of a variable, by name without "$". Unknown variables read as "", as nginx's empty values do. */
  reader(name: string): VariableReader {
    const map = this.maps.get(name);
    if (map) return this.mapReader(map);

    const fixed = fixedVariables[name];
    if (fixed) return fixed;

    if (name.startsWith('http_')) {
      const header = name.slice(5).replace(/_/g, '-').toLowerCase();
      return (facts) => headerValue(facts, header) ?? '';
    }
    if (name.startsWith('cookie_')) {
      const cookie = name.slice(7);
      const splitOnComma = this.options.cookieSplitsOnComma;
      return (facts) => parseCookieLines(headerValues(facts.headers, 'cookie'), cookie, splitOnComma) ?? '';
    }
    if (name.startsWith('upstream_cookie_')) {
      const cookie = name.slice('upstream_cookie_'.length);
      return (facts) => parseSetCookieLines(headerValues(facts.upstreamHeaders ?? [], 'set-cookie'), cookie) ?? '';
    }
    if (name.startsWith('upstream_http_')) {
      const header = name.slice('upstream_http_'.length).replace(/_/g, '-').toLowerCase();
      // Repeated lines are joined with ", " as for $http_NAME (nginx 1.23.0 and later).
      return (facts) => headerValues(facts.upstreamHeaders ?? [], header).join(', ');
    }
    if (name.startsWith('arg_')) {
      const argument = name.slice(4);
      return (facts) => findArgument(facts.args, argument) ?? '';
    }
    return () => '';
  }

  private mapReader(map: PlanMap): VariableReader {
    const cached = this.mapReaders.get(map.variable);
    if (cached) return cached;

    // A placeholder breaks a cycle between maps; the Plan never makes one.
    this.mapReaders.set(map.variable, () => '');
    const source = compileTemplate(map.source, this);
    const compiled = compileMap(map);
    const variable = map.variable;
    // $upstream_addr changes between attempts, so a map on it is evaluated afresh each time.
    const cacheable = !map.source.includes('$upstream_');
    const reader: VariableReader = (facts) => {
      const known = cacheable ? facts.mapCache?.get(variable) : undefined;
      if (known !== undefined) return known;
      const value = compiled.evaluate(evaluate(source, facts));
      if (cacheable) (facts.mapCache ??= new Map()).set(variable, value);
      return value;
    };
    this.mapReaders.set(map.variable, reader);
    return reader;
  }
}

/** Finds a query argument by name, compared without regard to case, as nginx's $arg_NAME does. */
export function findArgument(args: string, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const part of args.split('&')) {
    const separator = part.indexOf('=');
    const key = separator === -1 ? part : part.slice(0, separator);
    if (key.toLowerCase() === wanted) return separator === -1 ? '' : part.slice(separator + 1);
  }
  return undefined;
}

function forwardedFor(facts: RequestFacts): string {
  const received = headerValue(facts, 'x-forwarded-for');
  return received === undefined ? facts.remoteAddress : `${received}, ${facts.remoteAddress}`;
}

const fixedVariables: Record<string, VariableReader> = {
  host: (facts) => facts.host,
  remote_addr: (facts) => facts.remoteAddress,
  remote_port: (facts) => String(facts.remotePort),
  server_addr: (facts) => facts.serverAddress,
  server_port: (facts) => String(facts.serverPort),
  server_name: (facts) => facts.serverName,
  server_protocol: (facts) => facts.protocol,
  scheme: (facts) => facts.scheme,
  https: (facts) => (facts.scheme === 'https' ? 'on' : ''),
  request_method: (facts) => facts.method,
  request_uri: (facts) => facts.requestUri,
  uri: (facts) => facts.uri,
  document_uri: (facts) => facts.uri,
  args: (facts) => facts.args,
  query_string: (facts) => facts.args,
  is_args: (facts) => (facts.args === '' ? '' : '?'),
  request_id: requestId,
  proxy_host: (facts) => facts.proxyHost ?? '',
  proxy_add_x_forwarded_for: forwardedFor,
  upstream_addr: (facts) => facts.upstreamAddr ?? '',
  upstream_status: (facts) => facts.upstreamStatus ?? '',
  msec: () => (Date.now() / 1000).toFixed(3),
  content_length: (facts) => headerValue(facts, 'content-length') ?? '',
  // Internal values of the default upstream headers: the buffered body length, and "TE: trailers" for gRPC.
  h2s_internal_body_length: (facts) => (facts.bodyLength === undefined ? '' : String(facts.bodyLength)),
  h2s_internal_grpc_trailers: (facts) => (/\btrailers\b/i.test(headerValue(facts, 'te') ?? '') ? 'trailers' : ''),
};
