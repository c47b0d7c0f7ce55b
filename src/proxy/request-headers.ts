/**
 * The header block nginx sends to a backend (ngx_http_proxy_create_request(),
 * ngx_http_grpc_create_request()): the location's proxy_set_header lines in
 * order, then the module's defaults that the location does not override,
 * each left out when its value is empty, then the client's headers except
 * those named by either list.
 */

import type { PlanLocation, PlanTarget } from '../plan/types.js';
import { atLeast } from '../nginx/version.js';
import { compileTemplate, evaluate, type HeaderField, type RequestFacts, type Template, type VariableTable } from './variables.js';

/** The body length nginx sends in Content-Length: the buffered body's size, or none when the request has no body. */
export const bodyLengthVariable = 'h2s_internal_body_length';

interface CompiledHeader {
  name: string;
  template: Template;
}

/** A location's upstream header rules, compiled once per Plan. */
export interface HeaderRules {
  headers: CompiledHeader[];
  /** Lowercase names of every configured or default header; the client's headers by these names are not passed. */
  replaced: Set<string>;
  /** The Host value is configured (grpc_set_header Host), so no :authority is written for HTTP/2 backends. */
  hostSet: boolean;
}

/** nginx's default header lines of the proxy module for a version; `$proxy_host` stands for $proxy_internal_host too. */
function proxyDefaults(target: PlanTarget): [string, string][] {
  const version = target.version;
  const defaults: [string, string][] = [
    ['Host', '$proxy_host'],
    // Up to 1.29.6 nginx sends "Connection: close"; from 1.29.7 it sends none by default.
    ['Connection', atLeast(version, '1.29.7') ? '' : 'close'],
  ];
  if (atLeast(version, '1.31.0')) defaults.push(['Proxy-Connection', '']);
  defaults.push(
    ['Content-Length', `$${bodyLengthVariable}`],
    ['Transfer-Encoding', ''],
    ['TE', ''],
    ['Keep-Alive', ''],
    ['Expect', ''],
    ['Upgrade', ''],
  );
  return defaults;
}

/** The grpc module's defaults (ngx_http_grpc_headers[]): the client's Content-Length, TE: trailers when the client asked, and no Host. */
const grpcDefaults: [string, string][] = [
  ['Content-Length', '$content_length'],
  ['TE', '$h2s_internal_grpc_trailers'],
  ['Host', ''],
  ['Connection', ''],
  ['Transfer-Encoding', ''],
  ['Keep-Alive', ''],
  ['Expect', ''],
  ['Upgrade', ''],
];

/** Compiles a location's header rules. */
export function compileHeaderRules(location: PlanLocation, target: PlanTarget, variables: VariableTable): HeaderRules {
  const merged: [string, string][] = location.headers.map((header) => [header.name, header.value]);
  const defaults = location.module === 'grpc' ? grpcDefaults : proxyDefaults(target);
  for (const [name, value] of defaults) {
    if (!merged.some(([configured]) => configured.toLowerCase() === name.toLowerCase())) merged.push([name, value]);
  }

  const replaced = new Set(merged.map(([name]) => name.toLowerCase()));
  const headers = merged.filter(([, value]) => value !== '').map(([name, value]) => ({ name, template: compileTemplate(value, variables) }));
  const hostSet = location.headers.some((header) => header.name.toLowerCase() === 'host');
  return { headers, replaced, hostSet };
}

/**
 * Serializes an HTTP/1.x request head: the request line, then the same
 * header lines as buildUpstreamHeaders(), without building them as objects
 * first, because this runs for every request.
 */
export function serializeUpstreamHead(requestLine: string, rules: HeaderRules, facts: RequestFacts, clientHeaders: readonly HeaderField[]): Buffer {
  let text = `${requestLine}\r\n`;
  for (const header of rules.headers) {
    const value = evaluate(header.template, facts);
    if (value !== '') text += `${header.name}: ${value}\r\n`;
  }
  for (const header of clientHeaders) {
    if (!rules.replaced.has(header.name.toLowerCase())) text += `${header.name}: ${header.value}\r\n`;
  }
  return Buffer.from(`${text}\r\n`, 'latin1');
}

/** Builds the header lines for one request: configured and default lines with non-empty values, then the client's others. */
export function buildUpstreamHeaders(rules: HeaderRules, facts: RequestFacts, clientHeaders: readonly HeaderField[]): HeaderField[] {
  const result: HeaderField[] = [];
  for (const header of rules.headers) {
    const value = evaluate(header.template, facts);
    if (value !== '') result.push({ name: header.name, value });
  }
  for (const header of clientHeaders) {
    if (!rules.replaced.has(header.name.toLowerCase())) result.push(header);
  }
  return result;
}
