/**
 * The directives of nginx's main, events, http, upstream, stream and mail
 * modules as Debian builds them (nginx-core plus the libnginx-mod-* packages
 * for geoip, image_filter, xslt, perl, mail and stream), and the directives
 * that only NGINX Plus has.
 *
 * Each row is `[name, contexts, arguments, extra?]`:
 * - contexts: space-separated context names (see `ContextName`). A context
 *   written `name@1.27.3` is allowed only from that version on;
 * - arguments: `0`, `1`, `1-3` (a range), `1+`, `2+`, `*` (any number) or
 *   `flag` (`on` or `off`); a leading `{} ` marks a block directive;
 * - extra: `since` is the first open-source version, `removed` the first
 *   version that rejects it as unknown, and `obsolete` the first version
 *   that ignores it with a warning. `edition: 'plus'` marks NGINX Plus
 *   directives, with `ossSince` when open-source nginx gained them later.
 *   `entries` marks blocks whose lines are data, not directives. `values`
 *   lists the words that each argument must be, where nginx reads the
 *   directive with ngx_conf_set_enum_slot() or ngx_conf_set_bitmask_slot().
 *
 * Versions come from nginx's docs/xml/nginx/changes.xml and the module
 * sources (ngx_command_t tables) of nginx 1.22.1 to 1.31.4. Contexts and
 * argument counts before 1.22 are not tracked, because no supported target
 * is older.
 */

export type ContextName =
  | 'main'
  | 'events'
  | 'http'
  | 'server'
  | 'location'
  | 'lif'
  | 'sif'
  | 'lmt'
  | 'upstream'
  | 'stream'
  | 'stream-server'
  | 'stream-upstream'
  | 'mail'
  | 'mail-server'
  | 'mgmt';

export interface DirectiveExtra {
  since?: string;
  removed?: string;
  obsolete?: string;
  /** The replacement that nginx names in its warning, for obsolete directives. */
  replacement?: string;
  edition?: 'plus';
  /** For Plus directives that open-source nginx gained later. */
  ossSince?: string;
  /** The block holds data lines (`map`, `geo`, `types`, …) rather than directives. */
  entries?: boolean;
  /** The dynamic module that Debian ships in its own package; nginx accepts the directive only after load_module. */
  dynamicModule?: string;
  /**
   * The words each argument must be, separated by spaces. nginx compares
   * them ignoring case and rejects any other word with `invalid value "…"`.
   */
  values?: string;
}

export type DirectiveRow = readonly [name: string, contexts: string, args: string, extra?: DirectiveExtra];

const HSL = 'http server location';
const HSLI = 'http server location lif';
const HS = 'http server';
const SRW = 'server sif location lif';
const TS = 'stream stream-server';
const AS = 'mail mail-server';
const UP = 'upstream';
const SUP = 'stream-upstream';

/** The TLS protocol names of ngx_http_ssl_protocols[] and its stream and mail copies, unchanged from 1.22.1 to 1.31.4. */
const sslProtocols: DirectiveExtra = { values: 'SSLv2 SSLv3 TLSv1 TLSv1.1 TLSv1.2 TLSv1.3' };
const logLevels: DirectiveExtra = { values: 'info notice warn error' };

const core: readonly DirectiveRow[] = [
  ['daemon', 'main', 'flag'],
  ['master_process', 'main', 'flag'],
  ['timer_resolution', 'main', '1'],
  ['pid', 'main', '1'],
  ['lock_file', 'main', '1'],
  ['worker_processes', 'main', '1'],
  ['debug_points', 'main', '1'],
  ['user', 'main', '1-2'],
  ['worker_priority', 'main', '1'],
  ['worker_cpu_affinity', 'main', '1+'],
  ['worker_rlimit_nofile', 'main', '1'],
  ['worker_rlimit_core', 'main', '1'],
  ['worker_shutdown_timeout', 'main', '1'],
  ['working_directory', 'main', '1'],
  ['env', 'main', '1'],
  ['load_module', 'main', '1'],
  ['thread_pool', 'main', '2-3'],
  ['pcre_jit', 'main', 'flag'],
  ['ssl_engine', 'main', '1'],
  ['quic_bpf', 'main', 'flag', { since: '1.25.0' }],
  ['ssl_object_cache_inheritable', 'main', 'flag', { since: '1.27.4' }],
  ['error_log', `main ${HSL} ${TS} ${AS}`, '1+'],
  ['include', 'main events http server location lif sif lmt upstream stream stream-server stream-upstream mail mail-server', '1'],
  ['events', 'main', '{} 0'],
  ['worker_connections', 'events', '1'],
  ['use', 'events', '1'],
  ['multi_accept', 'events', 'flag'],
  ['accept_mutex', 'events', 'flag'],
  ['accept_mutex_delay', 'events', '1'],
  ['debug_connection', 'events', '1'],
  ['worker_aio_requests', 'events', '1'],
];

const httpCore: readonly DirectiveRow[] = [
  ['http', 'main', '{} 0'],
  ['server', 'http', '{} 0'],
  ['location', 'server location', '{} 1-2'],
  ['listen', 'server', '1+'],
  ['server_name', 'server', '1+'],
  ['types', HSL, '{} 0', { entries: true }],
  ['default_type', HSL, '1'],
  ['root', HSLI, '1'],
  ['alias', 'location', '1'],
  ['limit_except', 'location', '{} 1+'],
  ['internal', 'location', '0'],
  ['client_max_body_size', HSL, '1'],
  ['client_body_buffer_size', HSL, '1'],
  ['client_body_timeout', HSL, '1'],
  ['client_body_temp_path', HSL, '1-4'],
  ['client_body_in_file_only', HSL, '1', { values: 'off on clean' }],
  ['client_body_in_single_buffer', HSL, 'flag'],
  ['client_header_buffer_size', HS, '1'],
  ['client_header_timeout', HS, '1'],
  ['large_client_header_buffers', HS, '2'],
  ['connection_pool_size', HS, '1'],
  ['request_pool_size', HS, '1'],
  ['ignore_invalid_headers', HS, 'flag'],
  ['merge_slashes', HS, 'flag'],
  ['underscores_in_headers', HS, 'flag'],
  // NOTE: Debian's bookworm package (1.22.1-9+deb12u9) also accepts max_headers, through a security backport.
  ['max_headers', HS, '1', { since: '1.29.8' }],
  ['server_names_hash_max_size', 'http', '1'],
  ['server_names_hash_bucket_size', 'http', '1'],
  ['variables_hash_max_size', 'http', '1'],
  ['variables_hash_bucket_size', 'http', '1'],
  ['types_hash_max_size', HSL, '1'],
  ['types_hash_bucket_size', HSL, '1'],
  ['sendfile', HSLI, 'flag'],
  ['sendfile_max_chunk', HSL, '1'],
  ['subrequest_output_buffer_size', HSL, '1'],
  ['aio', HSL, '1'],
  ['aio_write', HSL, 'flag'],
  ['read_ahead', HSL, '1'],
  ['directio', HSL, '1'],
  ['directio_alignment', HSL, '1'],
  ['tcp_nopush', HSL, 'flag'],
  ['tcp_nodelay', HSL, 'flag'],
  ['send_timeout', HSL, '1'],
  ['send_lowat', HSL, '1'],
  ['postpone_output', HSL, '1'],
  ['limit_rate', HSLI, '1'],
  ['limit_rate_after', HSLI, '1'],
  ['keepalive_timeout', HSL, '1-2'],
  ['keepalive_requests', HSL, '1'],
  ['keepalive_time', HSL, '1'],
  ['keepalive_disable', HSL, '1+', { values: 'none msie6 safari' }],
  ['keepalive_min_timeout', HSL, '1', { since: '1.27.4' }],
  ['satisfy', HSL, '1', { values: 'all any' }],
  ['auth_delay', HSL, '1'],
  ['lingering_close', HSL, '1', { values: 'off on always' }],
  ['lingering_time', HSL, '1'],
  ['lingering_timeout', HSL, '1'],
  ['reset_timedout_connection', HSL, 'flag'],
  ['absolute_redirect', HSL, 'flag'],
  ['server_name_in_redirect', HSL, 'flag'],
  ['port_in_redirect', HSL, 'flag'],
  ['msie_padding', HSL, 'flag'],
  ['msie_refresh', HSL, 'flag'],
  ['log_not_found', HSL, 'flag'],
  ['log_subrequest', HSL, 'flag'],
  ['recursive_error_pages', HSL, 'flag'],
  ['server_tokens', HSL, '1'],
  ['chunked_transfer_encoding', HSL, 'flag'],
  ['etag', HSL, 'flag'],
  ['error_page', HSLI, '2+'],
  ['post_action', HSLI, '1'],
  ['open_file_cache', HSL, '1-2'],
  ['open_file_cache_valid', HSL, '1'],
  ['open_file_cache_min_uses', HSL, '1'],
  ['open_file_cache_errors', HSL, 'flag'],
  ['open_file_cache_events', HSL, 'flag'],
  ['resolver', `${HSL} upstream@1.27.3`, '1+'],
  ['resolver_timeout', `${HSL} upstream@1.27.3`, '1'],
  ['disable_symlinks', HSL, '1-2'],
  ['try_files', 'server location', '2+'],
  ['max_ranges', HSL, '1'],
  ['if_modified_since', HSL, '1', { values: 'off exact before' }],
  ['gzip_vary', HSL, 'flag'],
  ['gzip_http_version', HSL, '1'],
  ['gzip_proxied', HSL, '1+', { values: 'off expired no-cache no-store private no_last_modified no_etag auth any' }],
  ['gzip_disable', HSL, '1+'],
  ['output_buffers', HSL, '2'],
  ['early_hints', HSL, '1+', { since: '1.29.0' }],
  ['if', 'server location', '{} 1+'],
  ['set', SRW, '2'],
  ['rewrite', SRW, '2-3'],
  ['return', SRW, '1-2'],
  ['break', SRW, '0'],
  ['rewrite_log', `http ${SRW}`, 'flag'],
  ['uninitialized_variable_warn', `http ${SRW}`, 'flag'],
];

const httpModules: readonly DirectiveRow[] = [
  ['allow', `${HSL} lmt`, '1'],
  ['deny', `${HSL} lmt`, '1'],
  ['auth_basic', `${HSL} lmt`, '1'],
  ['auth_basic_user_file', `${HSL} lmt`, '1'],
  ['auth_request', HSL, '1'],
  ['auth_request_set', HSL, '2'],
  ['autoindex', HSL, 'flag'],
  ['autoindex_exact_size', HSL, 'flag'],
  ['autoindex_format', HSL, '1'],
  ['autoindex_localtime', HSL, 'flag'],
  ['charset', HSLI, '1'],
  ['source_charset', HSLI, '1'],
  ['override_charset', HSLI, 'flag'],
  ['charset_types', HSL, '1+'],
  ['charset_map', 'http', '{} 2', { entries: true }],
  ['dav_methods', HSL, '1+'],
  ['dav_access', HSL, '1-3'],
  ['create_full_put_path', HSL, 'flag'],
  ['min_delete_depth', HSL, '1'],
  ['empty_gif', 'location', '0'],
  ['gzip', HSLI, 'flag'],
  ['gzip_buffers', HSL, '2'],
  ['gzip_comp_level', HSL, '1'],
  ['gzip_min_length', HSL, '1'],
  ['gzip_types', HSL, '1+'],
  ['gzip_static', HSL, '1'],
  ['gunzip', HSL, 'flag'],
  ['gunzip_buffers', HSL, '2'],
  ['add_header', HSLI, '2-3'],
  ['add_trailer', HSLI, '2-3'],
  ['expires', HSLI, '1-2'],
  ['add_header_inherit', HSLI, '1', { since: '1.29.3' }],
  ['add_trailer_inherit', HSLI, '1', { since: '1.29.3' }],
  ['index', HSL, '1+'],
  ['limit_conn', HSL, '2'],
  ['limit_conn_zone', 'http', '2'],
  ['limit_conn_log_level', HSL, '1', logLevels],
  ['limit_conn_status', HSL, '1'],
  ['limit_conn_dry_run', HSL, 'flag'],
  ['limit_req', HSL, '1-3'],
  ['limit_req_zone', 'http', '3-4'],
  ['limit_req_log_level', HSL, '1', logLevels],
  ['limit_req_status', HSL, '1'],
  ['limit_req_dry_run', HSL, 'flag'],
  ['access_log', `${HSLI} lmt`, '1+'],
  ['log_format', 'http', '2+'],
  ['open_log_file_cache', HSL, '1-4'],
  ['map', 'http', '{} 2', { entries: true }],
  ['map_hash_max_size', 'http', '1'],
  ['map_hash_bucket_size', 'http', '1'],
  ['geo', 'http', '{} 1-2', { entries: true }],
  ['geoip_country', 'http', '1-2', { dynamicModule: 'http_geoip' }],
  ['geoip_city', 'http', '1-2', { dynamicModule: 'http_geoip' }],
  ['geoip_org', 'http', '1-2', { dynamicModule: 'http_geoip' }],
  ['geoip_proxy', 'http', '1', { dynamicModule: 'http_geoip' }],
  ['geoip_proxy_recursive', 'http', 'flag', { dynamicModule: 'http_geoip' }],
  ['mirror', HSL, '1'],
  ['mirror_request_body', HSL, 'flag'],
  ['random_index', 'location', 'flag'],
  ['real_ip_header', HSL, '1'],
  ['set_real_ip_from', HSL, '1'],
  ['real_ip_recursive', HSL, 'flag'],
  ['valid_referers', 'server location', '1+'],
  ['referer_hash_max_size', 'server location', '1'],
  ['referer_hash_bucket_size', 'server location', '1'],
  ['secure_link', HSL, '1'],
  ['secure_link_md5', HSL, '1'],
  ['secure_link_secret', 'location', '1'],
  ['slice', HSL, '1'],
  ['split_clients', 'http', '{} 2', { entries: true }],
  ['ssi', HSLI, 'flag'],
  ['ssi_silent_errors', HSL, 'flag'],
  ['ssi_ignore_recycled_buffers', HSL, 'flag'],
  ['ssi_min_file_chunk', HSL, '1'],
  ['ssi_value_length', HSL, '1'],
  ['ssi_types', HSL, '1+'],
  ['ssi_last_modified', HSL, 'flag'],
  ['stub_status', 'server location', '0-1'],
  ['sub_filter', HSL, '2'],
  ['sub_filter_types', HSL, '1+'],
  ['sub_filter_once', HSL, 'flag'],
  ['sub_filter_last_modified', HSL, 'flag'],
  ['userid', HSL, '1'],
  ['userid_service', HSL, '1'],
  ['userid_name', HSL, '1'],
  ['userid_domain', HSL, '1'],
  ['userid_path', HSL, '1'],
  ['userid_expires', HSL, '1'],
  ['userid_flags', HSL, '1+'],
  ['userid_p3p', HSL, '1'],
  ['userid_mark', HSL, '1'],
  ['add_before_body', HSL, '1'],
  ['add_after_body', HSL, '1'],
  ['addition_types', HSL, '1+'],
  ['ancient_browser', HSL, '1+'],
  ['ancient_browser_value', HSL, '1'],
  ['modern_browser', HSL, '1-2'],
  ['modern_browser_value', HSL, '1'],
  ['flv', 'location', '0'],
  ['mp4', 'location', '0'],
  ['mp4_buffer_size', HSL, '1'],
  ['mp4_max_buffer_size', HSL, '1'],
  ['mp4_limit_rate', HSL, '1', { edition: 'plus' }],
  ['mp4_limit_rate_after', HSL, '1', { edition: 'plus' }],
  ['mp4_start_key_frame', HSL, 'flag'],
  ['image_filter', 'location', '1-3', { dynamicModule: 'http_image_filter' }],
  ['image_filter_jpeg_quality', HSL, '1', { dynamicModule: 'http_image_filter' }],
  ['image_filter_webp_quality', HSL, '1', { dynamicModule: 'http_image_filter' }],
  ['image_filter_sharpen', HSL, '1', { dynamicModule: 'http_image_filter' }],
  ['image_filter_transparency', HSL, 'flag', { dynamicModule: 'http_image_filter' }],
  ['image_filter_interlace', HSL, 'flag', { dynamicModule: 'http_image_filter' }],
  ['image_filter_buffer', HSL, '1', { dynamicModule: 'http_image_filter' }],
  ['xml_entities', HSL, '1', { dynamicModule: 'http_xslt' }],
  ['xslt_stylesheet', 'location', '1+', { dynamicModule: 'http_xslt' }],
  ['xslt_string_param', HSL, '2', { dynamicModule: 'http_xslt' }],
  ['xslt_param', HSL, '2', { dynamicModule: 'http_xslt' }],
  ['xslt_types', HSL, '1+', { dynamicModule: 'http_xslt' }],
  ['xslt_last_modified', HSL, 'flag', { dynamicModule: 'http_xslt' }],
  ['perl_modules', 'http', '1', { dynamicModule: 'http_perl' }],
  ['perl_require', 'http', '1', { dynamicModule: 'http_perl' }],
  ['perl', 'location lmt', '1', { dynamicModule: 'http_perl' }],
  ['perl_set', 'http', '2', { dynamicModule: 'http_perl' }],
  ['memcached_pass', 'location lif', '1'],
  ['memcached_gzip_flag', HSL, '1'],
];

const httpSsl: readonly DirectiveRow[] = [
  // `ssl on;` warned from 1.15.0 and is an unknown directive from 1.25.1.
  ['ssl', HS, 'flag', { removed: '1.25.1' }],
  ['ssl_certificate', HS, '1'],
  ['ssl_certificate_key', HS, '1'],
  ['ssl_password_file', HS, '1'],
  ['ssl_dhparam', HS, '1'],
  ['ssl_ecdh_curve', HS, '1'],
  ['ssl_protocols', HS, '1+', sslProtocols],
  ['ssl_ciphers', HS, '1'],
  ['ssl_buffer_size', HS, '1'],
  ['ssl_verify_client', HS, '1'],
  ['ssl_verify_depth', HS, '1'],
  ['ssl_client_certificate', HS, '1'],
  ['ssl_trusted_certificate', HS, '1'],
  ['ssl_prefer_server_ciphers', HS, 'flag'],
  ['ssl_session_cache', HS, '1-2'],
  ['ssl_session_tickets', HS, 'flag'],
  ['ssl_session_ticket_key', HS, '1'],
  ['ssl_session_timeout', HS, '1'],
  ['ssl_crl', HS, '1'],
  ['ssl_ocsp', HS, '1'],
  ['ssl_ocsp_cache', HS, '1'],
  ['ssl_ocsp_responder', HS, '1'],
  ['ssl_stapling', HS, 'flag'],
  ['ssl_stapling_file', HS, '1'],
  ['ssl_stapling_responder', HS, '1'],
  ['ssl_stapling_verify', HS, 'flag'],
  ['ssl_early_data', HS, 'flag'],
  ['ssl_conf_command', HS, '2'],
  ['ssl_reject_handshake', HS, 'flag'],
  ['ssl_certificate_compression', HS, 'flag', { since: '1.29.1' }],
  ['ssl_ech_file', HS, '1', { since: '1.29.4' }],
  ['ssl_certificate_cache', HS, '1-3', { since: '1.27.4' }],
];

const httpV2: readonly DirectiveRow[] = [
  ['http2', HS, 'flag', { since: '1.25.1' }],
  ['http2_max_concurrent_streams', HS, '1'],
  ['http2_body_preread_size', HS, '1'],
  ['http2_chunk_size', HSL, '1'],
  ['http2_recv_buffer_size', 'http', '1'],
  ['http2_pool_size', HS, '1'],
  ['http2_streams_index_size', HS, '1'],
  ['http2_push', HSL, '1', { obsolete: '1.25.1' }],
  ['http2_push_preload', HSL, 'flag', { obsolete: '1.25.1' }],
  ['http2_max_concurrent_pushes', HS, '1', { obsolete: '1.25.1' }],
  ['http2_recv_timeout', HS, '1', { obsolete: '1.19.7', replacement: 'client_header_timeout' }],
  ['http2_idle_timeout', HS, '1', { obsolete: '1.19.7', replacement: 'keepalive_timeout' }],
  ['http2_max_requests', HS, '1', { obsolete: '1.19.7', replacement: 'keepalive_requests' }],
  ['http2_max_field_size', HS, '1', { obsolete: '1.19.7', replacement: 'large_client_header_buffers' }],
  ['http2_max_header_size', HS, '1', { obsolete: '1.19.7', replacement: 'large_client_header_buffers' }],
  ['http3', HS, 'flag', { since: '1.25.0' }],
  ['http3_hq', HS, 'flag', { since: '1.25.0' }],
  ['http3_max_concurrent_streams', HS, '1', { since: '1.25.0' }],
  ['http3_stream_buffer_size', HS, '1', { since: '1.25.0' }],
  ['quic_retry', HS, 'flag', { since: '1.25.0' }],
  ['quic_gso', HS, 'flag', { since: '1.25.0' }],
  ['quic_host_key', HS, '1', { since: '1.25.0' }],
  ['quic_active_connection_id_limit', HS, '1', { since: '1.25.0' }],
];

const httpUpstream: readonly DirectiveRow[] = [
  ['upstream', 'http', '{} 1'],
  ['server', UP, '1+'],
  ['zone', UP, '1-2'],
  ['hash', UP, '1-2'],
  ['ip_hash', UP, '0'],
  ['least_conn', UP, '0'],
  ['random', UP, '0-2'],
  // The `local` parameter arrived in 1.29.7; before it, keepalive took exactly one argument.
  ['keepalive', UP, '1', { removed: '1.29.7' }],
  ['keepalive', UP, '1-2', { since: '1.29.7' }],
  ['keepalive_requests', UP, '1'],
  ['keepalive_time', UP, '1'],
  ['keepalive_timeout', UP, '1'],
  ['sticky', UP, '2+', { edition: 'plus', ossSince: '1.29.6' }],
  ['least_time', UP, '1-2', { edition: 'plus', ossSince: '1.31.0' }],
  ['queue', UP, '1-2', { edition: 'plus' }],
  ['ntlm', UP, '0', { edition: 'plus' }],
  ['state', UP, '1', { edition: 'plus' }],
  ['sticky_cookie_insert', UP, '1+', { edition: 'plus' }],
];

type UpstreamClientPrefix = 'proxy' | 'fastcgi' | 'uwsgi' | 'scgi' | 'grpc';

/** Word lists that differ between the upstream client modules, by module prefix. */
type ValuesByPrefix = Readonly<Partial<Record<UpstreamClientPrefix, string>>>;

/**
 * The ngx_http_*_next_upstream_masks[] of each module (1.22.1 to 1.31.4 have
 * the same ones). The modules with a cache use the same list for
 * `*_cache_use_stale`, which is where `updating` comes from.
 */
const upstreamFailures: ValuesByPrefix = {
  proxy: 'error timeout invalid_header non_idempotent http_500 http_502 http_503 http_504 http_403 http_404 http_429 updating off',
  fastcgi: 'error timeout invalid_header non_idempotent http_500 http_503 http_403 http_404 http_429 updating off',
  uwsgi: 'error timeout invalid_header non_idempotent http_500 http_503 http_403 http_404 http_429 updating off',
  scgi: 'error timeout invalid_header non_idempotent http_500 http_503 http_403 http_404 http_429 updating off',
  grpc: 'error timeout invalid_header non_idempotent http_500 http_502 http_503 http_504 http_403 http_404 http_429 off',
};

/** ngx_http_upstream_ignore_headers_masks[], shared by every upstream client module. */
const ignoredHeaders = 'X-Accel-Redirect X-Accel-Expires X-Accel-Limit-Rate X-Accel-Buffering X-Accel-Charset Expires Cache-Control Set-Cookie Vary';

function everyPrefix(values: string): ValuesByPrefix {
  return { proxy: values, fastcgi: values, uwsgi: values, scgi: values, grpc: values };
}

/**
 * Directives that the proxy, FastCGI, uwsgi, SCGI and gRPC modules share,
 * by suffix. `only` limits a suffix to some of the prefixes, and `values`
 * gives each prefix's word list (see `DirectiveExtra.values`).
 */
const upstreamClientSuffixes: readonly (readonly [suffix: string, contexts: string, args: string, only?: string, values?: ValuesByPrefix])[] = [
  ['bind', HSL, '1-2'],
  ['socket_keepalive', HSL, 'flag'],
  ['connect_timeout', HSL, '1'],
  ['send_timeout', HSL, '1'],
  ['read_timeout', HSL, '1'],
  ['buffer_size', HSL, '1'],
  ['intercept_errors', HSL, 'flag'],
  ['next_upstream', HSL, '1+', undefined, upstreamFailures],
  ['next_upstream_tries', HSL, '1'],
  ['next_upstream_timeout', HSL, '1'],
  ['hide_header', HSL, '1'],
  ['pass_header', HSL, '1'],
  ['ignore_headers', HSL, '1+', undefined, everyPrefix(ignoredHeaders)],
  ['send_lowat', HSL, '1', 'proxy fastcgi'],
  ['buffering', HSL, 'flag', 'proxy fastcgi uwsgi scgi'],
  ['request_buffering', HSL, 'flag', 'proxy fastcgi uwsgi scgi'],
  ['ignore_client_abort', HSL, 'flag', 'proxy fastcgi uwsgi scgi'],
  ['buffers', HSL, '2', 'proxy fastcgi uwsgi scgi'],
  ['busy_buffers_size', HSL, '1', 'proxy fastcgi uwsgi scgi'],
  ['force_ranges', HSL, 'flag', 'proxy fastcgi uwsgi scgi'],
  ['limit_rate', HSL, '1', 'proxy fastcgi uwsgi scgi'],
  ['cache', HSL, '1', 'proxy fastcgi uwsgi scgi'],
  ['cache_key', HSL, '1', 'proxy fastcgi uwsgi scgi'],
  ['cache_path', 'http', '2+', 'proxy fastcgi uwsgi scgi'],
  ['cache_bypass', HSL, '1+', 'proxy fastcgi uwsgi scgi'],
  ['no_cache', HSL, '1+', 'proxy fastcgi uwsgi scgi'],
  ['cache_valid', HSL, '1+', 'proxy fastcgi uwsgi scgi'],
  ['cache_min_uses', HSL, '1', 'proxy fastcgi uwsgi scgi'],
  ['cache_max_range_offset', HSL, '1', 'proxy fastcgi uwsgi scgi'],
  ['cache_use_stale', HSL, '1+', 'proxy fastcgi uwsgi scgi', upstreamFailures],
  ['cache_methods', HSL, '1+', 'proxy fastcgi uwsgi scgi', everyPrefix('GET HEAD POST')],
  ['cache_lock', HSL, 'flag', 'proxy fastcgi uwsgi scgi'],
  ['cache_lock_timeout', HSL, '1', 'proxy fastcgi uwsgi scgi'],
  ['cache_lock_age', HSL, '1', 'proxy fastcgi uwsgi scgi'],
  ['cache_revalidate', HSL, 'flag', 'proxy fastcgi uwsgi scgi'],
  ['cache_background_update', HSL, 'flag', 'proxy fastcgi uwsgi scgi'],
  ['temp_path', HSL, '1-4', 'proxy fastcgi uwsgi scgi'],
  ['max_temp_file_size', HSL, '1', 'proxy fastcgi uwsgi scgi'],
  ['temp_file_write_size', HSL, '1', 'proxy fastcgi uwsgi scgi'],
  ['store', HSL, '1', 'proxy fastcgi uwsgi scgi'],
  ['store_access', HSL, '1-3', 'proxy fastcgi uwsgi scgi'],
  ['pass_request_headers', HSL, 'flag', 'proxy fastcgi uwsgi scgi'],
  ['pass_request_body', HSL, 'flag', 'proxy fastcgi uwsgi scgi'],
  ['param', HSL, '2-3', 'fastcgi uwsgi scgi'],
  ['ssl_session_reuse', HSL, 'flag', 'proxy uwsgi grpc'],
  ['ssl_protocols', HSL, '1+', 'proxy uwsgi grpc', everyPrefix(sslProtocols.values ?? '')],
  ['ssl_ciphers', HSL, '1', 'proxy uwsgi grpc'],
  ['ssl_name', HSL, '1', 'proxy uwsgi grpc'],
  ['ssl_server_name', HSL, 'flag', 'proxy uwsgi grpc'],
  ['ssl_verify', HSL, 'flag', 'proxy uwsgi grpc'],
  ['ssl_verify_depth', HSL, '1', 'proxy uwsgi grpc'],
  ['ssl_trusted_certificate', HSL, '1', 'proxy uwsgi grpc'],
  ['ssl_crl', HSL, '1', 'proxy uwsgi grpc'],
  ['ssl_certificate', HSL, '1', 'proxy uwsgi grpc'],
  ['ssl_certificate_key', HSL, '1', 'proxy uwsgi grpc'],
  ['ssl_password_file', HSL, '1', 'proxy uwsgi grpc'],
  ['ssl_conf_command', HSL, '2', 'proxy uwsgi grpc'],
];

function upstreamClientRows(prefix: UpstreamClientPrefix): DirectiveRow[] {
  return upstreamClientSuffixes
    .filter(([, , , only]) => only === undefined || only.split(' ').includes(prefix))
    .map(([suffix, contexts, args, , values]): DirectiveRow => {
      const words = values?.[prefix];
      return words === undefined ? [`${prefix}_${suffix}`, contexts, args] : [`${prefix}_${suffix}`, contexts, args, { values: words }];
    });
}

const httpUpstreamClients: readonly DirectiveRow[] = [
  ['proxy_pass', 'location lif lmt', '1'],
  ['proxy_redirect', HSL, '1-2'],
  ['proxy_cookie_domain', HSL, '1-2'],
  ['proxy_cookie_path', HSL, '1-2'],
  ['proxy_cookie_flags', HSL, '1+'],
  ['proxy_headers_hash_max_size', HSL, '1'],
  ['proxy_headers_hash_bucket_size', HSL, '1'],
  ['proxy_set_header', HSL, '2'],
  ['proxy_set_body', HSL, '1'],
  ['proxy_method', HSL, '1'],
  ['proxy_http_version', HSL, '1'],
  ['proxy_pass_trailers', HSL, 'flag', { since: '1.27.2' }],
  ['proxy_cache_convert_head', HSL, 'flag'],
  ['proxy_ssl_certificate_cache', HSL, '1-3', { since: '1.27.4' }],
  ['proxy_cache_purge', HSL, '1+', { edition: 'plus' }],
  ...upstreamClientRows('proxy'),
  ['fastcgi_pass', 'location lif', '1'],
  ['fastcgi_index', HSL, '1'],
  ['fastcgi_split_path_info', 'location', '1'],
  ['fastcgi_catch_stderr', HSL, '1'],
  ['fastcgi_keep_conn', HSL, 'flag'],
  ['fastcgi_cache_purge', HSL, '1+', { edition: 'plus' }],
  ...upstreamClientRows('fastcgi'),
  ['uwsgi_pass', 'location lif', '1'],
  ['uwsgi_modifier1', HSL, '1'],
  ['uwsgi_modifier2', HSL, '1'],
  ...upstreamClientRows('uwsgi'),
  ['scgi_pass', 'location lif', '1'],
  ...upstreamClientRows('scgi'),
  ['grpc_pass', 'location lif', '1'],
  ['grpc_set_header', HSL, '2'],
  ['grpc_ssl_certificate_cache', HSL, '1-3', { since: '1.27.4' }],
  ...upstreamClientRows('grpc'),
  ['memcached_bind', HSL, '1-2'],
  ['memcached_socket_keepalive', HSL, 'flag'],
  ['memcached_connect_timeout', HSL, '1'],
  ['memcached_send_timeout', HSL, '1'],
  ['memcached_read_timeout', HSL, '1'],
  ['memcached_buffer_size', HSL, '1'],
  ['memcached_next_upstream', HSL, '1+', { values: 'error timeout invalid_response not_found off' }],
  ['memcached_next_upstream_tries', HSL, '1'],
  ['memcached_next_upstream_timeout', HSL, '1'],
];

const httpPlus: readonly DirectiveRow[] = [
  ['api', 'location', '0-1', { edition: 'plus' }],
  ['status_zone', `server location lif`, '1', { edition: 'plus' }],
  ['health_check', 'location', '*', { edition: 'plus' }],
  ['match', 'http', '{} 1', { edition: 'plus', entries: true }],
  ['keyval', 'http', '3', { edition: 'plus' }],
  ['keyval_zone', 'http', '1+', { edition: 'plus' }],
  ['auth_jwt', `${HSL} lmt`, '1-2', { edition: 'plus' }],
  ['auth_jwt_key_file', `${HSL} lmt`, '1', { edition: 'plus' }],
  ['auth_jwt_key_request', `${HSL} lmt`, '1', { edition: 'plus' }],
  ['auth_jwt_leeway', HSL, '1', { edition: 'plus' }],
  ['auth_jwt_type', `${HSL} lmt`, '1', { edition: 'plus' }],
  ['auth_jwt_require', `${HSL} lmt`, '1+', { edition: 'plus' }],
  ['auth_jwt_claim_set', 'http', '2+', { edition: 'plus' }],
  ['auth_jwt_header_set', 'http', '2+', { edition: 'plus' }],
  ['hls', 'location', '0', { edition: 'plus' }],
  ['hls_buffers', HSL, '2', { edition: 'plus' }],
  ['hls_fragment', HSL, '1', { edition: 'plus' }],
  ['hls_mp4_buffer_size', HSL, '1', { edition: 'plus' }],
  ['hls_mp4_max_buffer_size', HSL, '1', { edition: 'plus' }],
  ['hls_forward_args', HSL, 'flag', { edition: 'plus' }],
  ['f4f', 'location', '0', { edition: 'plus' }],
  ['f4f_buffer_size', HSL, '1', { edition: 'plus' }],
  ['session_log', HSL, '1', { edition: 'plus' }],
  ['session_log_format', 'http', '2+', { edition: 'plus' }],
  ['session_log_zone', 'http', '2+', { edition: 'plus' }],
  ['mgmt', 'main', '{} 0', { edition: 'plus' }],
  ['license_token', 'mgmt', '1', { edition: 'plus' }],
];

const stream: readonly DirectiveRow[] = [
  ['stream', 'main', '{} 0', { dynamicModule: 'stream' }],
  ['server', 'stream', '{} 0', { dynamicModule: 'stream' }],
  ['listen', 'stream-server', '1+', { dynamicModule: 'stream' }],
  ['server_name', 'stream-server', '1+', { since: '1.25.5', dynamicModule: 'stream' }],
  ['upstream', 'stream', '{} 1', { dynamicModule: 'stream' }],
  ['server', SUP, '1+', { dynamicModule: 'stream' }],
  ['zone', SUP, '1-2', { dynamicModule: 'stream' }],
  ['hash', SUP, '1-2', { dynamicModule: 'stream' }],
  ['least_conn', SUP, '0', { dynamicModule: 'stream' }],
  ['random', SUP, '0-2', { dynamicModule: 'stream' }],
  ['least_time', SUP, '1-2', { edition: 'plus', ossSince: '1.31.0', dynamicModule: 'stream' }],
  ['resolver', `${TS} stream-upstream@1.27.3`, '1+', { dynamicModule: 'stream' }],
  ['resolver_timeout', `${TS} stream-upstream@1.27.3`, '1', { dynamicModule: 'stream' }],
  ['proxy_pass', 'stream-server', '1', { dynamicModule: 'stream' }],
  ['proxy_bind', TS, '1-2', { dynamicModule: 'stream' }],
  ['proxy_socket_keepalive', TS, 'flag', { dynamicModule: 'stream' }],
  ['proxy_connect_timeout', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_timeout', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_buffer_size', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_download_rate', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_upload_rate', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_requests', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_responses', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_half_close', TS, 'flag', { dynamicModule: 'stream' }],
  ['proxy_next_upstream', TS, 'flag', { dynamicModule: 'stream' }],
  ['proxy_next_upstream_tries', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_next_upstream_timeout', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_protocol', TS, 'flag', { dynamicModule: 'stream' }],
  ['proxy_ssl', TS, 'flag', { dynamicModule: 'stream' }],
  ['proxy_ssl_certificate', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_ssl_certificate_key', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_ssl_ciphers', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_ssl_conf_command', TS, '2', { dynamicModule: 'stream' }],
  ['proxy_ssl_crl', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_ssl_name', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_ssl_password_file', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_ssl_protocols', TS, '1+', { ...sslProtocols, dynamicModule: 'stream' }],
  ['proxy_ssl_server_name', TS, 'flag', { dynamicModule: 'stream' }],
  ['proxy_ssl_session_reuse', TS, 'flag', { dynamicModule: 'stream' }],
  ['proxy_ssl_trusted_certificate', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_ssl_verify', TS, 'flag', { dynamicModule: 'stream' }],
  ['proxy_ssl_verify_depth', TS, '1', { dynamicModule: 'stream' }],
  ['access_log', TS, '1+', { dynamicModule: 'stream' }],
  ['log_format', 'stream', '2+', { dynamicModule: 'stream' }],
  ['open_log_file_cache', TS, '1-4', { dynamicModule: 'stream' }],
  ['tcp_nodelay', TS, 'flag', { dynamicModule: 'stream' }],
  ['preread_buffer_size', TS, '1', { dynamicModule: 'stream' }],
  ['preread_timeout', TS, '1', { dynamicModule: 'stream' }],
  ['proxy_protocol_timeout', TS, '1', { dynamicModule: 'stream' }],
  ['variables_hash_max_size', 'stream', '1', { dynamicModule: 'stream' }],
  ['variables_hash_bucket_size', 'stream', '1', { dynamicModule: 'stream' }],
  ['server_names_hash_max_size', 'stream', '1', { since: '1.25.5', dynamicModule: 'stream' }],
  ['server_names_hash_bucket_size', 'stream', '1', { since: '1.25.5', dynamicModule: 'stream' }],
  ['allow', 'stream-server', '1', { dynamicModule: 'stream' }],
  ['deny', 'stream-server', '1', { dynamicModule: 'stream' }],
  ['limit_conn', TS, '2', { dynamicModule: 'stream' }],
  ['limit_conn_zone', 'stream', '2', { dynamicModule: 'stream' }],
  ['limit_conn_log_level', TS, '1', { ...logLevels, dynamicModule: 'stream' }],
  ['limit_conn_dry_run', TS, 'flag', { dynamicModule: 'stream' }],
  ['map', 'stream', '{} 2', { entries: true, dynamicModule: 'stream' }],
  ['map_hash_max_size', 'stream', '1', { dynamicModule: 'stream' }],
  ['map_hash_bucket_size', 'stream', '1', { dynamicModule: 'stream' }],
  ['geo', 'stream', '{} 1-2', { entries: true, dynamicModule: 'stream' }],
  ['split_clients', 'stream', '{} 2', { entries: true, dynamicModule: 'stream' }],
  ['geoip_country', 'stream', '1', { dynamicModule: 'stream_geoip' }],
  ['geoip_city', 'stream', '1', { dynamicModule: 'stream_geoip' }],
  ['geoip_org', 'stream', '1', { dynamicModule: 'stream_geoip' }],
  ['return', 'stream-server', '1', { dynamicModule: 'stream' }],
  ['set', 'stream-server', '2', { dynamicModule: 'stream' }],
  ['pass', 'stream-server', '1', { since: '1.25.5', dynamicModule: 'stream' }],
  ['set_real_ip_from', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_preread', TS, 'flag', { dynamicModule: 'stream' }],
  ['ssl_certificate', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_certificate_key', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_password_file', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_dhparam', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_ecdh_curve', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_protocols', TS, '1+', { ...sslProtocols, dynamicModule: 'stream' }],
  ['ssl_ciphers', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_verify_client', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_verify_depth', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_client_certificate', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_trusted_certificate', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_prefer_server_ciphers', TS, 'flag', { dynamicModule: 'stream' }],
  ['ssl_session_cache', TS, '1-2', { dynamicModule: 'stream' }],
  ['ssl_session_tickets', TS, 'flag', { dynamicModule: 'stream' }],
  ['ssl_session_ticket_key', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_session_timeout', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_handshake_timeout', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_crl', TS, '1', { dynamicModule: 'stream' }],
  ['ssl_conf_command', TS, '2', { dynamicModule: 'stream' }],
  ['ssl_alpn', TS, '1+', { dynamicModule: 'stream' }],
  ['ssl_reject_handshake', TS, 'flag', { since: '1.25.5', dynamicModule: 'stream' }],
  ['zone_sync', 'stream-server', '0', { edition: 'plus', dynamicModule: 'stream' }],
  ['zone_sync_server', 'stream-server', '1-2', { edition: 'plus', dynamicModule: 'stream' }],
  ['zone_sync_buffers', TS, '2', { edition: 'plus', dynamicModule: 'stream' }],
  ['zone_sync_connect_timeout', TS, '1', { edition: 'plus', dynamicModule: 'stream' }],
  ['zone_sync_interval', TS, '1', { edition: 'plus', dynamicModule: 'stream' }],
  ['zone_sync_ssl', TS, 'flag', { edition: 'plus', dynamicModule: 'stream' }],
  ['health_check', 'stream-server', '*', { edition: 'plus', dynamicModule: 'stream' }],
  ['health_check_timeout', TS, '1', { edition: 'plus', dynamicModule: 'stream' }],
  ['match', 'stream', '{} 1', { edition: 'plus', entries: true, dynamicModule: 'stream' }],
];

const mail: readonly DirectiveRow[] = [
  ['mail', 'main', '{} 0', { dynamicModule: 'mail' }],
  ['server', 'mail', '{} 0', { dynamicModule: 'mail' }],
  ['listen', 'mail-server', '1+', { dynamicModule: 'mail' }],
  ['protocol', 'mail-server', '1', { dynamicModule: 'mail' }],
  ['server_name', AS, '1', { dynamicModule: 'mail' }],
  ['auth_http', AS, '1', { dynamicModule: 'mail' }],
  ['auth_http_header', AS, '2', { dynamicModule: 'mail' }],
  ['auth_http_timeout', AS, '1', { dynamicModule: 'mail' }],
  ['auth_http_pass_client_cert', AS, 'flag', { dynamicModule: 'mail' }],
  ['proxy_pass_error_message', AS, 'flag', { dynamicModule: 'mail' }],
  ['proxy_buffer', AS, '1', { dynamicModule: 'mail' }],
  ['proxy_timeout', AS, '1', { dynamicModule: 'mail' }],
  ['proxy_smtp_auth', AS, 'flag', { dynamicModule: 'mail' }],
  ['proxy_protocol', 'mail-server', 'flag', { dynamicModule: 'mail' }],
  ['xclient', AS, 'flag', { dynamicModule: 'mail' }],
  ['resolver', AS, '1+', { dynamicModule: 'mail' }],
  ['resolver_timeout', AS, '1', { dynamicModule: 'mail' }],
  ['imap_capabilities', AS, '1+', { dynamicModule: 'mail' }],
  ['imap_auth', AS, '1+', { dynamicModule: 'mail' }],
  ['imap_client_buffer', AS, '1', { dynamicModule: 'mail' }],
  ['pop3_capabilities', AS, '1+', { dynamicModule: 'mail' }],
  ['pop3_auth', AS, '1+', { dynamicModule: 'mail' }],
  ['smtp_capabilities', AS, '1+', { dynamicModule: 'mail' }],
  ['smtp_auth', AS, '1+', { dynamicModule: 'mail' }],
  ['smtp_client_buffer', AS, '1', { dynamicModule: 'mail' }],
  ['smtp_greeting_delay', AS, '1', { dynamicModule: 'mail' }],
  ['starttls', AS, '1', { dynamicModule: 'mail' }],
  ['timeout', AS, '1', { dynamicModule: 'mail' }],
  ['max_errors', AS, '1', { dynamicModule: 'mail' }],
  ['set_real_ip_from', AS, '1', { dynamicModule: 'mail' }],
  ['ssl', AS, 'flag', { removed: '1.25.1', dynamicModule: 'mail' }],
  ['ssl_certificate', AS, '1', { dynamicModule: 'mail' }],
  ['ssl_certificate_key', AS, '1', { dynamicModule: 'mail' }],
  ['ssl_password_file', AS, '1', { dynamicModule: 'mail' }],
  ['ssl_dhparam', AS, '1', { dynamicModule: 'mail' }],
  ['ssl_ecdh_curve', AS, '1', { dynamicModule: 'mail' }],
  ['ssl_protocols', AS, '1+', { ...sslProtocols, dynamicModule: 'mail' }],
  ['ssl_ciphers', AS, '1', { dynamicModule: 'mail' }],
  ['ssl_prefer_server_ciphers', AS, 'flag', { dynamicModule: 'mail' }],
  ['ssl_session_cache', AS, '1-2', { dynamicModule: 'mail' }],
  ['ssl_session_tickets', AS, 'flag', { dynamicModule: 'mail' }],
  ['ssl_session_ticket_key', AS, '1', { dynamicModule: 'mail' }],
  ['ssl_session_timeout', AS, '1', { dynamicModule: 'mail' }],
  ['ssl_verify_client', AS, '1', { dynamicModule: 'mail' }],
  ['ssl_verify_depth', AS, '1', { dynamicModule: 'mail' }],
  ['ssl_client_certificate', AS, '1', { dynamicModule: 'mail' }],
  ['ssl_trusted_certificate', AS, '1', { dynamicModule: 'mail' }],
  ['ssl_crl', AS, '1', { dynamicModule: 'mail' }],
  ['ssl_conf_command', AS, '2', { dynamicModule: 'mail' }],
];

/** Every directive row; one name may have several rows, one per module or context. */
export const directiveRows: readonly DirectiveRow[] = [
  ...core,
  ...httpCore,
  ...httpModules,
  ...httpSsl,
  ...httpV2,
  ...httpUpstream,
  ...httpUpstreamClients,
  ...httpPlus,
  ...stream,
  ...mail,
] satisfies readonly DirectiveRow[];

/**
 * Name patterns of directives from third-party modules that Debian packages
 * (libnginx-mod-http-lua, -headers-more-filter, -js, -ndk and others). Their
 * contexts and arguments are not checked, and they are never "unknown".
 */
export const thirdPartyDirectivePatterns: readonly RegExp[] = [
  /^lua_/,
  /_by_lua(?:_block|_file)?$/,
  /^more_(?:set|clear)_(?:input_)?headers$/,
  /^js_/,
  /^set_(?:escape_uri|unescape_uri|quote_sql_str|md5|sha1|base64|decode_base64|encode_base64|hashed_upstream|if_empty|misc_base32)/,
  /^echo(?:_|$)/,
  /^upload_progress/,
  /^dav_ext_/,
  /^fancyindex/,
  /^geoip2$/,
  /^auth_pam/,
  /^(?:rtmp|vod|brotli|subs_filter|srcache|redis2?|memc)(?:_|$)/,
  /^cache_purge$/,
  /^nchan_/,
  /^passenger_/,
];
