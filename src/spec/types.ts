/**
 * The spec as written by users (format 1), after schema validation. Keys keep
 * the spec's snake_case spelling, which follows nginx's parameter names; the
 * normalized form in ./normalized.ts is camelCased with defaults filled in.
 */

export type Duration = number | string;

export interface SpecDocument {
  h2sticky: 1;
  target?: { nginx?: string; edition?: 'oss' | 'plus' };
  runtime?: {
    worker_processes?: 'auto' | number;
    worker_connections?: number;
    user?: string;
    pid?: string;
    error_log?: string;
  };
  logging?: { access_log?: string };
  upstreams: Record<string, SpecUpstream>;
  servers: SpecServer[];
}

export interface SpecUpstream {
  servers: SpecUpstreamServer[];
  balance?: SpecBalance;
  affinity?: SpecAffinity;
  keepalive?: boolean | { connections?: number; timeout?: Duration; requests?: number };
  protocol?: 'http1' | 'http2' | 'grpc';
  zone?: string;
}

export interface SpecUpstreamServer {
  address: string;
  weight?: number;
  max_fails?: number;
  fail_timeout?: Duration;
  max_conns?: number;
  backup?: boolean;
  down?: boolean;
  drain?: boolean;
  route?: string;
}

export type SpecBalance =
  | 'round_robin'
  | 'least_conn'
  | 'ip_hash'
  | 'random'
  | { method: 'hash'; key: string; consistent?: boolean }
  | { method: 'random'; two?: boolean }
  | { method: 'round_robin' | 'least_conn' | 'ip_hash' };

export type SpecAffinity =
  | {
      mode: 'cookie';
      name: string;
      expires?: 'max' | Duration;
      domain?: string;
      path?: string;
      httponly?: boolean;
      secure?: boolean;
      samesite?: 'strict' | 'lax' | 'none';
    }
  | { mode: 'route'; variables: string[] }
  | { mode: 'learn'; create: string[]; lookup: string[]; zone_size?: string; timeout?: Duration; header?: boolean }
  | { mode: 'client_ip' }
  | { mode: 'hash'; key: string };

export interface SpecServer {
  server_names?: string[];
  listen: SpecListener[];
  tls?: { certificate: string; key: string; protocols?: string[] };
  locations: SpecLocation[];
}

export interface SpecListener {
  address?: string;
  port: number;
  tls?: boolean;
  http2?: boolean;
  h2c_only?: boolean;
  http3?: boolean;
  default_server?: boolean;
}

export type RetryCondition =
  | 'error'
  | 'timeout'
  | 'invalid_header'
  | 'http_500'
  | 'http_502'
  | 'http_503'
  | 'http_504'
  | 'http_403'
  | 'http_404'
  | 'http_429'
  | 'non_idempotent'
  | 'off';

export interface SpecLocation {
  path: string;
  match?: 'prefix' | 'exact' | 'prefix_priority' | 'regex' | 'regex_ci';
  upstream: string;
  timeouts?: { connect?: Duration; send?: Duration; read?: Duration };
  retries?: { conditions?: RetryCondition[]; tries?: number; timeout?: Duration };
  headers?: Record<string, string | null>;
  websocket?: boolean;
}
