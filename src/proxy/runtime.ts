/**
 * Everything the proxy derives from one Plan: listen sockets with their
 * servers, compiled location rules, keepalive caches and the decision core
 * with fresh balancer state. A reload builds a new runtime, as an nginx
 * reload starts workers with fresh state.
 */

import type { Plan, PlanLocation, PlanServer, PlanUpstream } from '../plan/types.js';
import { atLeast, formatVersion } from '../nginx/version.js';
import { ProxyCore, type ProxyCoreOptions } from './core/index.js';
import { LocationTable } from './locations.js';
import { compileHeaderRules, type HeaderRules } from './request-headers.js';
import { compileAddHeaders, type AddHeaderRule } from './response-headers.js';
import { collectListenSockets, type ListenSocket } from './server-names.js';
import type { TlsCredentials } from './tls-files.js';
import { KeepalivePool, UpstreamSockets } from './upstream/pool.js';
import { VariableTable } from './variables.js';

export interface LocationRules {
  headers: HeaderRules;
  addHeaders: AddHeaderRule[];
  /** The Set-Cookie of native sticky comes from the core; emulated affinity adds it through add_header. */
  nativeStickyCookie: boolean;
}

export interface ProxyRuntimeOptions {
  /** Options of the decision core, such as a simulated clock or the state of the previous runtime. */
  core?: ProxyCoreOptions;
  /** The certificate and key of each TLS server. */
  tlsCredentials?: TlsCredentials;
  /** The registry of upstream sockets, shared by every runtime of one proxy so that a stop closes all of them. */
  upstreamSockets?: UpstreamSockets;
}

export class ProxyRuntime {
  readonly sockets: ListenSocket[];
  readonly variables: VariableTable;
  readonly core: ProxyCore;
  readonly tlsCredentials: TlsCredentials;
  readonly upstreamSockets: UpstreamSockets;
  /** The version nginx would print in Server and on error pages, such as 1.30.6 (a line such as 1.30 prints as 1.30.0). */
  readonly nginxVersion: string;
  /** Host and :authority are checked against RFC 3986 (nginx 1.29.4 and later). */
  readonly strictHostCheck: boolean;
  /** The per-read new-stream and refused-stream limits of HTTP/2 (nginx 1.25.3 and later). */
  readonly perReadStreamLimits: boolean;
  private readonly locationTables = new Map<PlanServer, LocationTable>();
  private readonly locationRules = new Map<PlanLocation, LocationRules>();
  private readonly pools = new Map<string, KeepalivePool>();
  private readonly upstreams = new Map<string, PlanUpstream>();

  constructor(
    readonly plan: Plan,
    options: ProxyRuntimeOptions = {},
  ) {
    const target = plan.target;
    this.tlsCredentials = options.tlsCredentials ?? new Map();
    this.upstreamSockets = options.upstreamSockets ?? new UpstreamSockets();
    this.nginxVersion = target.version.patchGiven ? formatVersion(target.version) : `${target.version.major}.${target.version.minor}.0`;
    this.strictHostCheck = atLeast(target.version, '1.29.4');
    this.perReadStreamLimits = atLeast(target.version, '1.25.3');
    this.variables = new VariableTable(plan.maps, { cookieSplitsOnComma: !target.features.cookieVariableSplitsOnSemicolonOnly });
    this.sockets = collectListenSockets(plan.servers);

    for (const upstream of plan.upstreams) {
      this.upstreams.set(upstream.name, upstream);
      this.pools.set(upstream.name, new KeepalivePool(upstream.keepalive));
    }
    for (const server of plan.servers) {
      this.locationTables.set(server, new LocationTable(server.locations));
      for (const location of server.locations) {
        const route = plan.routes.find((candidate) => candidate.specUpstream === location.specUpstream);
        const group = route?.kind === 'direct' ? this.upstreams.get(route.upstream) : undefined;
        this.locationRules.set(location, {
          headers: compileHeaderRules(location, target, this.variables),
          addHeaders: compileAddHeaders(location, this.variables),
          nativeStickyCookie: group?.sticky?.mode === 'cookie',
        });
      }
    }
    this.core = new ProxyCore(plan, options.core);
  }

  locations(server: PlanServer): LocationTable {
    return this.locationTables.get(server)!;
  }

  rules(location: PlanLocation): LocationRules {
    return this.locationRules.get(location)!;
  }

  pool(upstream: string): KeepalivePool {
    return this.pools.get(upstream)!;
  }

  /** Closes every cached upstream connection. */
  close(): void {
    for (const pool of this.pools.values()) pool.closeAll();
  }
}
