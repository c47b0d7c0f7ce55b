import { basename } from 'node:path';

import type { NormalizedLocation, NormalizedServer, NormalizedSpec, NormalizedUpstream, NormalizedUpstreamServer } from '../spec/normalize.js';
import {
  accessLogFormatName,
  connectionUpgradeVariable,
  learnZoneName,
  pinnedUpstreamName,
  selectVariableName,
  setCookieVariableName,
} from '../spec/names.js';
import { toolVersion } from '../version.js';
import { formatStickyCookie } from './cookie.js';
import { peerName, stickyId } from './peer-name.js';
import {
  nginxDefaults,
  type LocationMatch,
  type Plan,
  type PlanEmulatedCookie,
  type PlanKeepalive,
  type PlanLocation,
  type PlanMap,
  type PlanNote,
  type PlanPeer,
  type PlanRoute,
  type PlanServer,
  type PlanSource,
  type PlanSticky,
  type PlanUpstream,
} from './types.js';

/**
 * Builds the Plan for a normalized spec. The Plan keeps only the base name of
 * the spec file, so the output does not depend on where the file lives.
 */
export function buildPlan(spec: NormalizedSpec, source: PlanSource): Plan {
  const notes: PlanNote[] = [];
  const upstreams: PlanUpstream[] = [];
  const routes: PlanRoute[] = [];
  const maps: PlanMap[] = [];

  for (const upstream of spec.upstreams) {
    const built = planUpstream(spec, upstream, notes);
    upstreams.push(...built.blocks);
    routes.push(built.route);
    maps.push(...built.maps);
  }

  const websocketMaps = planWebsocketMaps(spec);
  const servers = planServers(spec, routes, websocketMaps.variableFor);

  return {
    toolVersion,
    source: { file: basename(source.file), digest: source.digest },
    target: {
      version: spec.target.version,
      versionText: spec.target.versionText,
      edition: spec.target.edition,
      features: spec.target.features,
    },
    runtime: { ...spec.runtime },
    logging:
      spec.accessLog === undefined
        ? {}
        : spec.accessLog === 'off'
          ? { accessLog: 'off' }
          : { accessLog: spec.accessLog, format: accessLogFormatName },
    maps: [...websocketMaps.maps, ...maps],
    upstreams,
    routes,
    servers,
    notes,
  };
}

function planPeer(server: NormalizedUpstreamServer, specIndex: number): PlanPeer {
  const address = server.address;
  const name = peerName(address);
  const sid = name !== undefined || server.route !== undefined ? stickyId(name ?? '', server.route) : undefined;
  return {
    address: address.text,
    endpoint:
      address.kind === 'unix'
        ? { kind: 'unix', path: address.path }
        : { kind: 'tcp', host: address.host, port: address.port, family: address.kind === 'ip' ? address.family : 'hostname' },
    ...(name !== undefined ? { name } : {}),
    ...(sid !== undefined ? { sid } : {}),
    weight: server.weight,
    maxFails: server.maxFails,
    failTimeoutMs: server.failTimeoutMs,
    maxConns: server.maxConns,
    backup: server.backup,
    state: server.state,
    ...(server.route !== undefined ? { route: server.route } : {}),
    specIndex,
  };
}

/**
 * Decides what the upstream block must write for connection reuse. From
 * nginx 1.29.7 keepalive is on by default with 32 connections
 * (ngx_http_upstream_keepalive_init_main_conf()); before, it needs the
 * directive, and `keepalive 0` is valid only from 1.29.7.
 */
function planKeepalive(spec: NormalizedSpec, upstream: NormalizedUpstream): PlanKeepalive {
  const { keepalive } = upstream;
  const byDefault = spec.target.features.keepaliveByDefault;
  if (!keepalive.enabled) {
    return { connections: 0, timeoutMs: keepalive.timeoutMs, requests: keepalive.requests, directive: byDefault ? 'off' : 'default' };
  }
  const defaults =
    keepalive.connections === nginxDefaults.keepaliveConnections &&
    keepalive.timeoutMs === nginxDefaults.keepaliveTimeoutMs &&
    keepalive.requests === nginxDefaults.keepaliveRequests;
  return { ...keepalive, directive: byDefault && defaults ? 'default' : 'write' };
}

function planUpstream(spec: NormalizedSpec, upstream: NormalizedUpstream, notes: PlanNote[]): { blocks: PlanUpstream[]; route: PlanRoute; maps: PlanMap[] } {
  const peers = upstream.servers.map(planPeer);
  const keepalive = planKeepalive(spec, upstream);
  const affinity = upstream.affinity;
  const native = spec.target.features.sticky;

  let sticky: PlanSticky | undefined;
  if (affinity.mode === 'cookie' && native) sticky = affinity;
  if (affinity.mode === 'route') sticky = { mode: 'route', variables: affinity.variables };
  if (affinity.mode === 'learn') {
    sticky = {
      mode: 'learn',
      create: affinity.create,
      lookup: affinity.lookup,
      zone: { name: learnZoneName(upstream.name), size: affinity.zoneSize },
      timeoutMs: affinity.timeoutMs,
      header: affinity.header,
    };
  }

  const group: PlanUpstream = {
    name: upstream.name,
    specUpstream: upstream.name,
    role: 'group',
    balancer: upstream.balancer,
    peers,
    ...(sticky ? { sticky } : {}),
    keepalive,
    ...(upstream.zone !== undefined ? { zone: { name: upstream.name, size: upstream.zone } } : {}),
  };

  if (affinity.mode !== 'cookie' || native) {
    return { blocks: [group], route: { kind: 'direct', specUpstream: upstream.name, upstream: upstream.name }, maps: [] };
  }
  return planEmulatedCookie(upstream, group, affinity, notes);
}

/**
 * Cookie affinity without the sticky directive (open-source nginx before
 * 1.29.6). Each live primary server gets a block of its own in which it is
 * the only primary and every other server is a backup. A map from the cookie
 * to the block name chooses the block, and a map from the last peer in
 * $upstream_addr gives the Set-Cookie value. Every block keeps its own
 * balancing and failure state, as nginx does.
 */
function planEmulatedCookie(
  upstream: NormalizedUpstream,
  group: PlanUpstream,
  cookie: Extract<NormalizedUpstream['affinity'], { mode: 'cookie' }>,
  notes: PlanNote[],
): { blocks: PlanUpstream[]; route: PlanRoute; maps: PlanMap[] } {
  const blocks: PlanUpstream[] = [group];
  const emulation: PlanEmulatedCookie = {
    cookie,
    selectVariable: selectVariableName(upstream.name),
    blocks: [],
    groupUpstream: group.name,
    setCookieVariable: setCookieVariableName(upstream.name),
    setCookies: [],
  };

  const pinnable = group.peers.length > 1 ? group.peers.filter((peer) => !peer.backup && peer.state === 'up') : [];
  for (const pinned of pinnable) {
    const name = pinnedUpstreamName(upstream.name, pinned.specIndex + 1);
    const others = group.peers.filter((peer) => peer !== pinned && peer.state !== 'down').map((peer) => ({ ...peer, backup: true }));
    blocks.push({
      name,
      specUpstream: upstream.name,
      role: 'pinned',
      pinnedIndex: pinned.specIndex,
      // Backup servers work only with round robin and least_conn; the pinned block has one primary, so round robin is exact.
      balancer: { method: 'round_robin' },
      peers: [{ ...pinned }, ...others],
      keepalive: group.keepalive,
      ...(group.zone ? { zone: { name, size: group.zone.size } } : {}),
    });
    emulation.blocks.push({ sid: pinned.sid!, upstream: name });
  }

  for (const peer of group.peers) {
    if (peer.name === undefined || peer.state === 'down') continue;
    emulation.setCookies.push({ peerName: peer.name, value: formatStickyCookie(cookie, peer.sid!) });
  }

  const maps: PlanMap[] = [
    {
      source: `$cookie_${cookie.name}`,
      variable: emulation.selectVariable,
      // Regex keys, because nginx compares plain map keys without regard to case and sticky ids are case-sensitive.
      entries: emulation.blocks.map((block) => ({ match: `^${block.sid}$`, regex: true, value: block.upstream })),
      defaultValue: group.name,
      comment: `Emulated sticky cookie for upstream ${upstream.name}: the cookie names the block whose primary is that server.`,
    },
    {
      source: '$upstream_addr',
      variable: emulation.setCookieVariable,
      entries: emulation.setCookies.map((entry) => ({
        // The last peer tried served the request. A trailing upstream name means no peer was left after it.
        match: `(?:^|, )${escapeRegex(entry.peerName)}(?:, [A-Za-z0-9_-]+)?$`,
        regex: true,
        value: entry.value,
      })),
      defaultValue: '',
      comment: `Emulated sticky cookie for upstream ${upstream.name}: the Set-Cookie value names the server that answered.`,
    },
  ];

  notes.push({
    code: 'emulated-sticky',
    message: `upstream "${upstream.name}": cookie affinity is emulated with ${blocks.length - 1} pinned upstream blocks and two maps, because open-source nginx before 1.29.6 has no sticky directive; when a client's server fails, the next server comes from that block's own round robin over the other servers instead of the whole group's`,
  });
  if (typeof cookie.expires === 'number') {
    notes.push({
      code: 'emulated-sticky-expires',
      message: `upstream "${upstream.name}": the emulated cookie carries max-age=${cookie.expires} but no expires date, because nginx cannot compute a date in a map; browsers that honour max-age (all current ones) keep it for the same time`,
    });
  }
  return { blocks, route: { kind: 'emulated-cookie', specUpstream: upstream.name, emulation }, maps };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Plans the maps that give WebSocket locations their Connection header:
 * `upgrade` for upgrade requests. Other requests send none when the upstream
 * keeps connections alive, and `close` when it does not.
 */
function planWebsocketMaps(spec: NormalizedSpec): { maps: PlanMap[]; variableFor: (keepalive: boolean) => string } {
  const keepaliveOf = new Map(spec.upstreams.map((upstream) => [upstream.name, upstream.keepalive.enabled]));
  const needed = new Set<boolean>();
  for (const server of spec.servers) {
    for (const location of server.locations) if (location.websocket) needed.add(keepaliveOf.get(location.upstream) ?? true);
  }

  const closeVariable = `${connectionUpgradeVariable}_close`;
  const maps: PlanMap[] = [];
  if (needed.has(true)) {
    maps.push({
      source: '$http_upgrade',
      variable: connectionUpgradeVariable,
      entries: [{ match: '', regex: false, value: '' }],
      defaultValue: 'upgrade',
      comment: 'WebSocket: send "Connection: upgrade" only for upgrade requests, so other requests keep upstream keepalive.',
    });
  }
  if (needed.has(false)) {
    maps.push({
      source: '$http_upgrade',
      variable: closeVariable,
      entries: [{ match: '', regex: false, value: 'close' }],
      defaultValue: 'upgrade',
      comment: 'WebSocket for upstreams without keepalive: "Connection: upgrade" for upgrade requests, "close" otherwise.',
    });
  }
  return { maps, variableFor: (keepalive) => (keepalive ? connectionUpgradeVariable : closeVariable) };
}

function planServers(spec: NormalizedSpec, routes: PlanRoute[], websocketVariable: (keepalive: boolean) => string): PlanServer[] {
  const quicSockets = new Set<string>();
  return spec.servers.map((server) => planServer(spec, server, routes, websocketVariable, quicSockets));
}

function planServer(
  spec: NormalizedSpec,
  server: NormalizedServer,
  routes: PlanRoute[],
  websocketVariable: (keepalive: boolean) => string,
  quicSockets: Set<string>,
): PlanServer {
  const { features } = spec.target;
  const anyHttp2 = server.listeners.some((listener) => listener.http2);
  const http2Directive = anyHttp2 && features.http2Directive;
  const http3Ports = server.listeners.filter((listener) => listener.http3).map((listener) => listener.port);

  const listeners = server.listeners.map((listener) => {
    const socket = `${listener.address ?? '*'}:${listener.port}`;
    const reuseport = listener.http3 && !quicSockets.has(socket);
    if (listener.http3) quicSockets.add(socket);
    // With "http2 on" (1.25.1+) HTTP/2 is a server setting, so every listener of the server offers it.
    const h2 = http2Directive || listener.http2;
    const http1 = listener.tls || !h2 || features.plainPortServesHttp1AndH2c;
    return {
      ...(listener.address !== undefined ? { address: listener.address } : {}),
      port: listener.port,
      ssl: listener.tls,
      http2Parameter: listener.http2 && !features.http2Directive,
      quic: listener.http3,
      reuseport,
      defaultServer: listener.defaultServer,
      serves: { http1, h2 },
    };
  });

  const altSvc = http3Ports.length > 0 ? [{ name: 'Alt-Svc', value: `h3=":${http3Ports[0]}"; ma=86400`, always: true }] : [];
  return {
    listeners,
    serverNames: server.serverNames,
    ...(server.tls ? { tls: server.tls } : {}),
    http2Directive,
    http3: http3Ports.length > 0,
    locations: server.locations.map((location) => planLocation(spec, location, routes, websocketVariable, altSvc)),
  };
}

const matchOperators: Record<NormalizedLocation['match'], LocationMatch> = {
  prefix: '',
  exact: '=',
  prefix_priority: '^~',
  regex: '~',
  regex_ci: '~*',
};

function planLocation(
  spec: NormalizedSpec,
  location: NormalizedLocation,
  routes: PlanRoute[],
  websocketVariable: (keepalive: boolean) => string,
  altSvc: PlanLocation['addHeaders'],
): PlanLocation {
  const upstream = spec.upstreams.find((candidate) => candidate.name === location.upstream)!;
  const route = routes.find((candidate) => candidate.specUpstream === location.upstream)!;
  const keepaliveByDefault = spec.target.features.keepaliveByDefault;
  const grpc = upstream.protocol === 'grpc';

  const target = route.kind === 'direct' ? route.upstream : route.emulation.selectVariable;
  const pass = `${grpc ? 'grpc' : 'http'}://${target}`;

  // HTTP/1.1 to the upstream is the default from 1.29.7; before, keepalive and WebSocket both need it written.
  let httpVersion: PlanLocation['httpVersion'];
  if (upstream.protocol === 'http2') httpVersion = '2';
  else if (!grpc && !keepaliveByDefault && (upstream.keepalive.enabled || location.websocket)) httpVersion = '1.1';
  const upstreamHttpVersion: PlanLocation['upstreamHttpVersion'] =
    grpc || upstream.protocol === 'http2' ? '2' : (httpVersion ?? (keepaliveByDefault ? '1.1' : '1.0'));

  const headers = [...location.headers];
  if (location.websocket) {
    headers.push({ name: 'Upgrade', value: '$http_upgrade' }, { name: 'Connection', value: websocketVariable(upstream.keepalive.enabled) });
  } else if (httpVersion === '1.1' && upstream.keepalive.enabled) {
    // Before 1.29.7 nginx sends "Connection: close" unless it is cleared, which defeats keepalive.
    headers.push({ name: 'Connection', value: '' });
  }

  const addHeaders: PlanLocation['addHeaders'] = [...altSvc];
  if (route.kind === 'emulated-cookie') {
    // "always" adds the header to error responses too, as native sticky does for nginx's own 502 after a pick.
    addHeaders.unshift({ name: 'Set-Cookie', value: route.emulation.setCookieVariable, always: true });
  }

  return {
    match: matchOperators[location.match],
    path: location.path,
    specUpstream: location.upstream,
    module: grpc ? 'grpc' : 'proxy',
    pass,
    ...(httpVersion !== undefined ? { httpVersion } : {}),
    upstreamHttpVersion,
    headers,
    addHeaders,
    timeouts: location.timeouts,
    nextUpstream: location.retries,
    websocket: location.websocket,
  };
}
