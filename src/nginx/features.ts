import { atLeast, type Edition, type NginxVersion } from './version.js';

/**
 * nginx features whose availability or default changed within the supported
 * range (1.22.0 to 1.31.x). `since` is the first mainline release with the
 * feature; a stable line x.even carries what its parent mainline had when it
 * branched (1.22 from 1.21.6, 1.26 from 1.25.5, 1.30 from 1.29.8).
 * `plus: 'always'` marks features NGINX Plus had before this range.
 */
export interface Feature {
  since: string;
  plus: 'always' | 'same';
  description: string;
  /** Where the behaviour was read: nginx's changelog entry or source file. */
  source: string;
}

export const features = {
  http2Directive: {
    since: '1.25.1',
    plus: 'same',
    description: 'the "http2" directive, which replaces the deprecated "listen ... http2" parameter',
    source: 'CHANGES 1.25.1; src/http/v2/ngx_http_v2_module.c',
  },
  plainPortServesHttp1AndH2c: {
    since: '1.25.1',
    plus: 'same',
    description: 'a plain-text HTTP/2 port that also serves HTTP/1.x (nginx reads the first bytes for the HTTP/2 preface)',
    source: 'ngx_http_wait_request_handler() in src/http/ngx_http_request.c, 1.25.1',
  },
  http3: {
    since: '1.25.0',
    plus: 'same',
    description: 'HTTP/3 over QUIC ("listen ... quic", "http3")',
    source: 'CHANGES 1.25.0; src/http/v3/ngx_http_v3_module.c',
  },
  sticky: {
    since: '1.29.6',
    plus: 'always',
    description: 'the "sticky" directive (cookie, route and learn modes) in open-source nginx',
    source: 'CHANGES 1.29.6; src/http/modules/ngx_http_upstream_sticky_module.c',
  },
  serverRouteAndDrain: {
    since: '1.29.6',
    plus: 'always',
    description: 'the "route=" and "drain" parameters of an upstream "server"',
    source: 'CHANGES 1.29.6; ngx_http_upstream_server() in src/http/ngx_http_upstream.c',
  },
  proxyHttp2: {
    since: '1.29.4',
    plus: 'same',
    description: 'HTTP/2 to proxied servers ("proxy_http_version 2")',
    source: 'CHANGES 1.29.4; src/http/modules/ngx_http_proxy_v2_module.c',
  },
  keepaliveByDefault: {
    since: '1.29.7',
    plus: 'same',
    description: 'upstream keepalive on by default (32 connections), HTTP/1.1 to proxied servers by default and no "Connection: close"',
    source: 'CHANGES 1.29.7; ngx_http_upstream_keepalive_init_main_conf(), ngx_http_proxy_merge_loc_conf()',
  },
  addHeaderInherit: {
    since: '1.29.3',
    plus: 'same',
    description: 'the "add_header_inherit" directive',
    source: 'CHANGES 1.29.3; src/http/modules/ngx_http_headers_filter_module.c',
  },
  hopByHopRejectedInHttp2: {
    since: '1.31.0',
    plus: 'same',
    description: 'rejection of HTTP/2 and HTTP/3 requests that carry Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade or a TE other than trailers',
    source: 'CHANGES 1.31.0',
  },
  cookieVariableSplitsOnSemicolonOnly: {
    since: '1.29.6',
    plus: 'same',
    description: '$cookie_NAME splitting the Cookie header on ";" only (earlier versions also split on ",")',
    source: 'CHANGES 1.29.6; ngx_http_parse_cookie_lines() in src/http/ngx_http_parse.c',
  },
  tls13InDefaultProtocols: {
    since: '1.23.4',
    plus: 'same',
    description: 'TLSv1.3 in the default "ssl_protocols"',
    source: 'CHANGES 1.23.4; NGX_SSL_DEFAULT_PROTOCOLS in src/event/ngx_event_openssl.h',
  },
} as const satisfies Record<string, Feature>;

export type FeatureName = keyof typeof features;

export function hasFeature(name: FeatureName, version: NginxVersion, edition: Edition): boolean {
  const feature: Feature = features[name];
  if (edition === 'plus' && feature.plus === 'always') return true;
  return atLeast(version, feature.since);
}

/** The set of features a target has, for the Plan and for messages. */
export type FeatureSet = Record<FeatureName, boolean>;

export function featureSet(version: NginxVersion, edition: Edition): FeatureSet {
  const result = {} as FeatureSet;
  for (const name of Object.keys(features) as FeatureName[]) result[name] = hasFeature(name, version, edition);
  return result;
}
