/**
 * nginx variables a spec may use in header values, hash keys and affinity
 * variables. nginx rejects a config that names an unknown variable
 * (`unknown "x" variable`), so the spec is checked against this list first.
 * Names come from the variable tables of the http core, upstream, proxy,
 * ssl, realip, v2 and v3 modules (ngx_http_core_variables[] in
 * src/http/ngx_http_variables.c, ngx_http_upstream_vars[],
 * ngx_http_proxy_vars[], ngx_http_ssl_vars[], ...).
 */

export const knownVariables: ReadonlySet<string> = new Set([
  'args',
  'binary_remote_addr',
  'body_bytes_sent',
  'bytes_sent',
  'connection',
  'connection_requests',
  'connection_time',
  'content_length',
  'content_type',
  'document_root',
  'document_uri',
  'host',
  'hostname',
  'https',
  'http2',
  'http3',
  'is_args',
  'limit_rate',
  'msec',
  'nginx_version',
  'pid',
  'pipe',
  'proxy_add_x_forwarded_for',
  'proxy_host',
  'proxy_port',
  'proxy_protocol_addr',
  'proxy_protocol_port',
  'proxy_protocol_server_addr',
  'proxy_protocol_server_port',
  'query_string',
  'realip_remote_addr',
  'realip_remote_port',
  'realpath_root',
  'remote_addr',
  'remote_port',
  'remote_user',
  'request',
  'request_body',
  'request_body_file',
  'request_completion',
  'request_filename',
  'request_id',
  'request_length',
  'request_method',
  'request_time',
  'request_uri',
  'scheme',
  'server_addr',
  'server_name',
  'server_port',
  'server_protocol',
  'status',
  'tcpinfo_rtt',
  'tcpinfo_rttvar',
  'tcpinfo_snd_cwnd',
  'tcpinfo_rcv_space',
  'time_iso8601',
  'time_local',
  'uri',
  'upstream_addr',
  'upstream_bytes_received',
  'upstream_bytes_sent',
  'upstream_cache_status',
  'upstream_connect_time',
  'upstream_header_time',
  'upstream_response_length',
  'upstream_response_time',
  'upstream_status',
]);

/** Families of variables whose suffix is a header, cookie or argument name. */
export const variablePrefixes: readonly string[] = [
  'arg_',
  'cookie_',
  'http_',
  'sent_http_',
  'sent_trailer_',
  'upstream_cookie_',
  'upstream_http_',
  'upstream_trailer_',
  'ssl_',
];

/**
 * Finds the variable names a value refers to as `$name` or `${name}`. When a
 * `$` starts no valid name, `invalid` holds the offending text.
 */
export function variableReferences(value: string): { names: string[]; invalid?: string } {
  const names: string[] = [];
  for (let index = value.indexOf('$'); index !== -1; index = value.indexOf('$', index + 1)) {
    const rest = value.slice(index + 1);
    const match = /^\{([A-Za-z0-9_]+)\}/.exec(rest) ?? /^([A-Za-z0-9_]+)/.exec(rest);
    if (!match) return { names, invalid: value.slice(index, index + 2) };
    names.push(match[1]!);
  }
  return { names };
}

export function isKnownVariable(name: string): boolean {
  // $1 to $9 are the captures of the last regular expression match, such as a regex location.
  if (/^\d$/.test(name)) return true;
  if (knownVariables.has(name)) return true;
  return variablePrefixes.some((prefix) => name.startsWith(prefix) && name.length > prefix.length);
}
