/**
 * The header block nginx sends to a backend (ngx_http_proxy_create_request(),
 * ngx_http_grpc_create_request()): the location's proxy_set_header lines in
 * order, then the module's defaults that the location does not override,
 * each left out when its value is empty, then the client's headers except
 * those named by either list.
 *
 * Host depends on the version. Before 1.31.4 a location's own Host line is
 * an ordinary line, and HTTP/2 and gRPC backends get it as a `host` header
 * and no `:authority`; without one they get `:authority: $proxy_host` and no
 * `host`. From 1.31.4 (commit dea68dbf1) Host is handled apart: HTTP/1.x
 * requests carry it first, HTTP/2 and gRPC requests carry it only as
 * `:authority`, and an empty value falls back to $proxy_host for HTTP/1.1,
 * HTTP/2 and gRPC.
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
  /** The location's own Host line (proxy_set_header Host or grpc_set_header Host); undefined without one. */
  configuredHost: Template | undefined;
  /** nginx 1.31.4 and later: Host is not among `headers` but written apart, by upstreamHost() and upstreamAuthority(). */
  hostApart: boolean;
  /** The backend speaks HTTP/1.1 (proxy_http_version 1.1). */
  http11: boolean;
}

/**
 * nginx's default header lines of the proxy module for a version. The
 * default Host is $proxy_internal_host, which is $proxy_host for HTTP/1.x
 * and not found, so left out, for proxy_http_version 2. From 1.31.4 the
 * default Host line is empty, because Host is written apart.
 */
function proxyDefaults(target: PlanTarget, defaultHost: string): [string, string][] {
  const version = target.version;
  const defaults: [string, string][] = [
    ['Host', defaultHost],
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
  const hostApart = atLeast(target.version, '1.31.4');
  const http2 = location.module === 'grpc' || location.upstreamHttpVersion === '2';
  const isHost = (name: string) => name.toLowerCase() === 'host';
  const configuredHost = location.headers.find((header) => isHost(header.name));

  const merged: [string, string][] = location.headers.filter((header) => !(hostApart && isHost(header.name))).map((header) => [header.name, header.value]);
  const defaults = location.module === 'grpc' ? grpcDefaults : proxyDefaults(target, hostApart || http2 ? '' : '$proxy_host');
  for (const [name, value] of defaults) {
    if (!merged.some(([configured]) => configured.toLowerCase() === name.toLowerCase())) merged.push([name, value]);
  }

  const replaced = new Set(merged.map(([name]) => name.toLowerCase()));
  const headers = merged.filter(([, value]) => value !== '').map(([name, value]) => ({ name, template: compileTemplate(value, variables) }));
  return {
    headers,
    replaced,
    configuredHost: configuredHost === undefined ? undefined : compileTemplate(configuredHost.value, variables),
    hostApart,
    http11: location.upstreamHttpVersion === '1.1',
  };
}

/**
 * Returns the Host that nginx 1.31.4 and later write first in an HTTP/1.x
 * request. It is the configured value, or $proxy_host when there is none or,
 * for HTTP/1.1, when the value is empty. An empty result means no Host line.
 */
export function upstreamHost(rules: HeaderRules, facts: RequestFacts): string {
  const configured = rules.configuredHost === undefined ? '' : evaluate(rules.configuredHost, facts);
  if (rules.configuredHost === undefined || (configured === '' && rules.http11)) return facts.proxyHost ?? '';
  return configured;
}

/**
 * Returns the :authority of an HTTP/2 or gRPC request. Before 1.31.4 there
 * is none when the location configures Host, whose line then goes out as a
 * `host` header. From 1.31.4 it is the configured Host, or $proxy_host when
 * that is missing or empty.
 */
export function upstreamAuthority(rules: HeaderRules, facts: RequestFacts): string | undefined {
  if (!rules.hostApart) return rules.configuredHost === undefined ? (facts.proxyHost ?? '') : undefined;
  const configured = rules.configuredHost === undefined ? '' : evaluate(rules.configuredHost, facts);
  return configured !== '' ? configured : (facts.proxyHost ?? '');
}

/**
 * Serializes an HTTP/1.x request head: the request line, then the same
 * header lines as buildUpstreamHeaders(), without building them as objects
 * first, because this runs for every request. The result is a latin1 string,
 * one character per byte as the header bytes arrived, which the socket
 * writes without a Buffer of its own.
 */
export function serializeUpstreamHead(requestLine: string, rules: HeaderRules, facts: RequestFacts, clientHeaders: readonly HeaderField[]): string {
  let text = `${requestLine}\r\n`;
  if (rules.hostApart) {
    const host = upstreamHost(rules, facts);
    if (host !== '') text += `Host: ${host}\r\n`;
  }
  for (const header of rules.headers) {
    const value = evaluate(header.template, facts);
    if (value !== '') text += `${header.name}: ${value}\r\n`;
  }
  for (const header of clientHeaders) {
    if (!rules.replaced.has(header.name.toLowerCase())) text += `${header.name}: ${header.value}\r\n`;
  }
  return `${text}\r\n`;
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
