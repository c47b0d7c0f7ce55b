import { features, type FeatureName } from '../nginx/features.js';
import { isKnownVariable, variableReferences } from '../nginx/variables.js';
import { parseServerAddress, peerName, stickyId } from '../plan/peer-name.js';
import type { Problem, Severity } from '../problems.js';
import { parseDuration } from './duration.js';
import { toPointer, type LoadedSpec } from './load.js';
import { describeTarget, type Target } from './target.js';
import { upstreamVariableStem } from './names.js';
import type { SpecDocument, SpecListener, SpecUpstream } from './types.js';

/**
 * Tells which parts of the document passed schema validation, so that the
 * checks below can run on a document with schema errors and still report
 * every problem at once.
 */
export interface Trust {
  /**
   * True when nothing at or below the pointer failed schema validation, and
   * no value above it has the wrong type or form, so the value at the pointer
   * is where the schema expects it.
   */
  trusted(pointer: string): boolean;
  /**
   * True when the mapping at the pointer has the expected type, no unknown
   * key and no missing required key, although values inside it may have
   * failed. A check that relies on a key being absent needs this.
   */
  keysTrusted(pointer: string): boolean;
  /** True when the value at the pointer itself passed the schema, although values inside it may have failed. */
  shapeTrusted(pointer: string): boolean;
}

/**
 * Schema keywords whose failure leaves the values below the failed one as the
 * schema describes them: a missing or an unknown key, or a list of the wrong
 * length. Any other failure (type, oneOf, enum, pattern) means the value has
 * another form, so nothing below it is trusted.
 */
const keywordsThatKeepChildren = new Set(['required', 'additionalProperties', 'propertyNames', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'uniqueItems']);

/** Builds the trust of a document from its schema problems, whose codes end in the failed JSON Schema keyword. */
export function trustFromSchemaProblems(problems: readonly Problem[]): Trust {
  const failures = problems.map((problem) => ({ pointer: problem.pointer ?? '', keyword: problem.code.split('.').at(-1) ?? '' }));
  const isBelow = (pointer: string, ancestor: string) => ancestor === '' || pointer.startsWith(`${ancestor}/`);

  return {
    trusted: (pointer) =>
      !failures.some(
        (failure) => failure.pointer === pointer || isBelow(failure.pointer, pointer) || (isBelow(pointer, failure.pointer) && !keywordsThatKeepChildren.has(failure.keyword)),
      ),
    shapeTrusted: (pointer) =>
      !failures.some((failure) => failure.pointer === pointer || (isBelow(pointer, failure.pointer) && !keywordsThatKeepChildren.has(failure.keyword))),
    keysTrusted: (pointer) =>
      !failures.some((failure) => {
        if (failure.pointer === pointer || (isBelow(pointer, failure.pointer) && !keywordsThatKeepChildren.has(failure.keyword))) return true;
        // An unknown key, an invalid key name and an invalid affinity mode are reported one level down, at the key.
        const unknownKey = failure.keyword === 'additionalProperties' || failure.keyword === 'propertyNames' || failure.keyword === 'discriminator';
        return unknownKey && isBelow(failure.pointer, pointer) && !failure.pointer.slice(pointer.length + 1).includes('/');
      }),
  };
}

interface Context {
  spec: LoadedSpec;
  data: SpecDocument;
  target: Target | undefined;
  trust: Trust;
  problems: Problem[];
}

/**
 * Checks what the schema cannot express: references between parts of the
 * spec, duplicates, combinations nginx rejects or silently mishandles, and
 * features the target nginx lacks.
 */
export function checkSemantics(spec: LoadedSpec, target: Target | undefined, trust: Trust): Problem[] {
  const data = spec.data as SpecDocument;
  const context: Context = { spec, data, target, trust, problems: [] };
  if (typeof data !== 'object' || data === null) return [];

  checkUpstreamNames(context);
  for (const name of upstreamNames(context)) checkUpstream(context, name);
  checkServers(context);
  checkUnusedUpstreams(context);
  checkVariables(context);
  return context.problems;
}

/**
 * Collects every value that nginx evaluates with variables, with its pointer
 * and the extra variable names valid there (named captures of a regex
 * location).
 */
function variableValues(context: Context): { pointer: string; value: string; captures?: Set<string> }[] {
  const values: { pointer: string; value: string; captures?: Set<string> }[] = [];
  const add = (pointer: string, value: unknown, captures?: Set<string>) => {
    if (typeof value === 'string' && context.trust.trusted(pointer)) values.push({ pointer, value, ...(captures ? { captures } : {}) });
  };

  for (const name of upstreamNames(context)) {
    const upstream = context.data.upstreams[name];
    if (!isObject(upstream)) continue;
    const base = toPointer(['upstreams', name]);
    if (isObject(upstream.balance)) add(`${base}/balance/key`, (upstream.balance as { key?: unknown }).key);
    const affinity = upstream.affinity as Record<string, unknown> | undefined;
    if (!isObject(affinity)) continue;
    add(`${base}/affinity/key`, affinity.key);
    for (const list of ['variables', 'create', 'lookup']) {
      const entries = affinity[list];
      if (Array.isArray(entries)) entries.forEach((entry, index) => add(`${base}/affinity/${list}/${index}`, entry));
    }
  }

  const servers = Array.isArray(context.data.servers) ? context.data.servers : [];
  servers.forEach((server, serverIndex) => {
    if (!isObject(server) || !Array.isArray(server.locations)) return;
    server.locations.forEach((location, locationIndex) => {
      if (!isObject(location) || !isObject(location.headers)) return;
      const regex = location.match === 'regex' || location.match === 'regex_ci';
      const captures = regex && typeof location.path === 'string' ? namedCaptures(location.path) : undefined;
      for (const [header, value] of Object.entries(location.headers)) {
        add(toPointer(['servers', serverIndex, 'locations', locationIndex, 'headers', header]), value, captures);
      }
    });
  });
  return values;
}

function checkVariables(context: Context): void {
  for (const { pointer, value, captures } of variableValues(context)) {
    const references = variableReferences(value);
    if (references.invalid !== undefined) {
      report(
        context,
        'spec.invalid-variable',
        pointer,
        `"${references.invalid}" in ${JSON.stringify(value)} does not start a variable name`,
        'write variables as $name or ${name} with letters, digits and "_"; nginx has no escape for a literal "$"',
      );
      continue;
    }
    for (const name of references.names) {
      if (isKnownVariable(name) || captures?.has(name)) continue;
      report(
        context,
        'spec.unknown-variable',
        pointer,
        `unknown variable "$${name}"`,
        'use a variable nginx defines, such as $host, $remote_addr, $request_id, $cookie_NAME, $http_NAME or $arg_NAME',
      );
    }
  }
}

function report(
  context: Context,
  code: string,
  pointer: string,
  message: string,
  hint: string,
  severity: Severity = 'error',
  part: 'value' | 'key' = 'value',
): void {
  const position = context.spec.locate(pointer, part);
  context.problems.push({
    code,
    severity,
    message,
    hint,
    file: context.spec.file,
    line: position.line,
    column: position.column,
    pointer,
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names of the upstreams that are mappings with a valid name; the schema reports the others. */
function upstreamNames(context: Context): string[] {
  if (!isObject(context.data.upstreams)) return [];
  return Object.keys(context.data.upstreams).filter((name) => context.trust.shapeTrusted(toPointer(['upstreams', name])));
}

/** Reports a feature the target lacks, naming the first version that has it. */
function requireFeature(context: Context, feature: FeatureName, pointer: string, what: string): void {
  const target = context.target;
  if (!target || target.features[feature]) return;
  const definition = features[feature];
  const plus = definition.plus === 'always' ? ' or NGINX Plus (--edition plus)' : '';
  report(
    context,
    'spec.feature-unavailable',
    pointer,
    `${what} is not available on ${describeTarget(target)}: it needs ${definition.description}, which open-source nginx has from ${definition.since}`,
    `target nginx ${definition.since} or later${plus} with --nginx-version or target.nginx, or remove ${what}`,
  );
}

function checkUpstreamNames(context: Context): void {
  const stems = new Map<string, string>();
  for (const name of upstreamNames(context)) {
    const stem = upstreamVariableStem(name);
    const other = stems.get(stem);
    if (other !== undefined) {
      report(
        context,
        'spec.upstream-name-clash',
        toPointer(['upstreams', name]),
        `upstream names "${other}" and "${name}" differ only in "-" and "_", so the nginx variables generated for them would clash`,
        'rename one of the upstreams',
        'error',
        'key',
      );
    }
    stems.set(stem, name);
  }
}

/** The balancing method an upstream ends up with, after affinity modes that imply one. */
function effectiveMethod(upstream: SpecUpstream): string {
  if (upstream.affinity?.mode === 'client_ip') return 'ip_hash';
  if (upstream.affinity?.mode === 'hash') return 'hash';
  const balance = upstream.balance;
  if (balance === undefined) return 'round_robin';
  return typeof balance === 'string' ? balance : balance.method;
}

function checkUpstream(context: Context, name: string): void {
  const base = ['upstreams', name];
  const pointer = toPointer(base);
  const upstream = context.data.upstreams[name];
  if (!isObject(upstream)) return;
  const { trusted } = context.trust;
  // Each check below reads the affinity fields it needs only where they passed the schema, so a typo in one field hides no other problem.
  const affinityPointer = `${pointer}/affinity`;
  const affinity = trusted(`${affinityPointer}/mode`) && isObject(upstream.affinity) ? upstream.affinity : undefined;
  const affinityField = (field: string): unknown => (affinity && trusted(`${affinityPointer}/${field}`) ? (affinity as Record<string, unknown>)[field] : undefined);
  const balanceTrusted = trusted(`${pointer}/balance`) && (upstream.affinity === undefined || affinity !== undefined);

  // Affinity modes that choose the balancing method themselves.
  if (balanceTrusted && upstream.balance !== undefined && (affinity?.mode === 'client_ip' || affinity?.mode === 'hash')) {
    const implied = affinity.mode === 'client_ip' ? 'ip_hash' : 'hash ... consistent';
    report(
      context,
      'spec.balance-conflict',
      `${pointer}/balance`,
      `affinity mode "${affinity.mode}" balances with ${implied}, so "balance" cannot choose another method`,
      'remove "balance", or use affinity mode cookie, route or learn with this balancing method',
    );
  }

  const method = balanceTrusted ? effectiveMethod(upstream) : undefined;
  const servers = Array.isArray(upstream.servers) ? upstream.servers : [];
  const sticky = affinity?.mode === 'cookie' || affinity?.mode === 'route' || affinity?.mode === 'learn';
  const native = context.target ? context.target.features.sticky : true;

  if (affinity?.mode === 'route') requireFeature(context, 'sticky', `${pointer}/affinity/mode`, 'affinity mode "route"');
  if (affinity?.mode === 'learn') requireFeature(context, 'sticky', `${pointer}/affinity/mode`, 'affinity mode "learn"');

  const zoneSize = affinityField('zone_size');
  if (affinity?.mode === 'learn' && typeof zoneSize === 'string' && sizeBytes(zoneSize) < 32 * 1024) {
    report(
      context,
      'spec.zone-too-small',
      `${pointer}/affinity/zone_size`,
      `the session zone of ${zoneSize} is smaller than nginx's minimum of 8 memory pages (32k)`,
      'use at least 32k; each megabyte holds about 4000 sessions',
    );
  }
  if (trusted(`${pointer}/zone`) && typeof upstream.zone === 'string' && sizeBytes(upstream.zone) < 32 * 1024) {
    report(
      context,
      'spec.zone-too-small',
      `${pointer}/zone`,
      `the zone of ${upstream.zone} is smaller than nginx's minimum of 8 memory pages (32k)`,
      'use at least 32k, such as 64k',
    );
  }

  if (trusted(`${pointer}/protocol`) && upstream.protocol === 'http2') {
    requireFeature(context, 'proxyHttp2', `${pointer}/protocol`, 'protocol "http2"');
  }

  const emulated = affinity?.mode === 'cookie' && !native;
  const cookieName = affinityField('name');
  if (emulated && typeof cookieName === 'string' && !/^[A-Za-z0-9_]+$/.test(cookieName)) {
    report(
      context,
      'spec.emulated-cookie-name',
      `${pointer}/affinity/name`,
      `cookie name "${cookieName}" cannot be read by ${context.target ? describeTarget(context.target) : 'this target'}, which has no native sticky and reads the cookie through $cookie_NAME`,
      'use only letters, digits and "_" in the cookie name, or target nginx 1.29.6 or later',
    );
  }

  if (affinity?.mode === 'cookie' && affinityField('samesite') === 'none' && trusted(`${affinityPointer}/secure`) && affinity.secure !== true) {
    report(
      context,
      'spec.samesite-none-insecure',
      `${pointer}/affinity/samesite`,
      'browsers reject a cookie with samesite=none unless it is also secure',
      'add "secure: true", or use samesite lax or strict',
    );
  }
  const expires = affinityField('expires');
  if (affinity?.mode === 'cookie' && (typeof expires === 'string' || typeof expires === 'number') && expires !== 'max') {
    const ms = parseDuration(expires);
    if (ms !== undefined && ms % 1000 !== 0) {
      report(
        context,
        'spec.duration-resolution',
        `${pointer}/affinity/expires`,
        `cookie lifetime ${String(expires)} is not a whole number of seconds; nginx counts it in seconds`,
        'use a lifetime in s, m, h, d or larger units',
      );
    }
  }

  let live = 0;
  // Whether a server is up is unknown when its "down" or "backup" failed the schema, or when the list has a server that is not a mapping.
  let liveCountKnown = trusted(`${pointer}/servers`) || servers.every((server, index) => isObject(server) && trusted(toPointer([...base, 'servers', index, 'down'])) && trusted(toPointer([...base, 'servers', index, 'backup'])));
  const seenSids = new Map<string, number>();
  const seenAddresses = new Map<string, number>();
  for (const [index, server] of servers.entries()) {
    const serverPointer = toPointer([...base, 'servers', index]);
    if (!isObject(server)) {
      liveCountKnown = false;
      continue;
    }

    if (trusted(`${serverPointer}/backup`) && server.backup === true && method !== undefined) {
      if (method === 'hash' || method === 'ip_hash' || method === 'random') {
        report(
          context,
          'spec.backup-with-hash',
          `${serverPointer}/backup`,
          `backup servers cannot be used with ${method} balancing: nginx rejects "backup" after ${method}, and accepts it before ${method} only to ignore it`,
          'remove "backup", or balance with round_robin or least_conn',
        );
      }
    }
    if (trusted(`${serverPointer}/drain`) && server.drain === true) {
      requireFeature(context, 'serverRouteAndDrain', `${serverPointer}/drain`, '"drain"');
      if (trusted(`${serverPointer}/down`) && server.down === true) {
        report(
          context,
          'spec.down-and-drain',
          `${serverPointer}/drain`,
          'a server cannot be both down and draining',
          'keep "drain" to serve only clients bound to the server, or "down" to serve nobody',
        );
      }
    }
    if (trusted(`${serverPointer}/route`) && server.route !== undefined) {
      requireFeature(context, 'serverRouteAndDrain', `${serverPointer}/route`, '"route"');
    }

    if (server.down !== true && server.backup !== true) live++;

    if (!trusted(`${serverPointer}/address`) || typeof server.address !== 'string') continue;
    const address = parseServerAddress(server.address);
    if (typeof address === 'string') {
      report(context, 'spec.invalid-address', `${serverPointer}/address`, `invalid address "${server.address}": ${address}`, 'write an address such as 10.0.0.5:8080, [2001:db8::5]:8080 or unix:/run/app.sock');
      continue;
    }

    const name = peerName(address);
    const key = name ?? `${address.kind === 'hostname' ? address.host : ''}:${'port' in address ? address.port : ''}`;
    const previous = seenAddresses.get(key);
    if (previous !== undefined) {
      report(
        context,
        'spec.duplicate-server',
        `${serverPointer}/address`,
        `server ${server.address} is listed twice in upstream "${name === undefined ? server.address : name}" (first as item ${previous + 1})`,
        'remove the repeated server, or raise the weight of the first one',
        sticky ? 'error' : 'warning',
      );
    }
    seenAddresses.set(key, index);

    if (emulated && address.kind === 'hostname') {
      report(
        context,
        'spec.emulated-hostname',
        `${serverPointer}/address`,
        `emulated cookie affinity needs the server's address when the config is generated, but ${server.address} is a host name that nginx resolves at start`,
        'use an IP address or a unix socket, or target nginx 1.29.6 or later for native sticky',
      );
    }

    if (sticky && (name !== undefined || server.route !== undefined)) {
      const sid = stickyId(name ?? '', trusted(`${serverPointer}/route`) ? server.route : undefined);
      const first = seenSids.get(sid);
      if (first !== undefined && server.route !== undefined) {
        report(
          context,
          'spec.duplicate-route',
          `${serverPointer}/route`,
          `route "${server.route}" is also used by item ${first + 1}; only the first server with a route can be reached by affinity`,
          'give every server its own route',
        );
      }
      if (first === undefined) seenSids.set(sid, index);
    }

    if (trusted(`${serverPointer}/fail_timeout`) && server.fail_timeout !== undefined) {
      const ms = parseDuration(server.fail_timeout);
      if (ms !== undefined && ms % 1000 !== 0) {
        report(
          context,
          'spec.duration-resolution',
          `${serverPointer}/fail_timeout`,
          `fail_timeout ${String(server.fail_timeout)} is not a whole number of seconds; nginx counts it in seconds`,
          'use a fail_timeout in s, m or larger units',
        );
      }
    }
  }

  if (servers.length > 0 && live === 0 && liveCountKnown) {
    report(
      context,
      'spec.no-live-server',
      `${pointer}/servers`,
      `upstream "${name}" has no primary server that is up, so every request would fail or go to backups only`,
      'remove "down" from at least one server, or add a server',
    );
  }
}

function checkServers(context: Context): void {
  const servers = Array.isArray(context.data.servers) ? context.data.servers : [];
  const { trusted } = context.trust;
  // Every upstream key counts here, also one that failed the schema, so that a location naming it gets no "unknown upstream" as well.
  const names = new Set(isObject(context.data.upstreams) ? Object.keys(context.data.upstreams) : []);

  /** address:port → first listener that used it, across servers. */
  const sockets = new Map<string, { pointer: string; listener: SpecListener; server: number }>();
  const defaults = new Map<string, string>();
  const namesBySocket = new Map<string, Map<string, string>>();

  for (const [serverIndex, server] of servers.entries()) {
    if (!isObject(server)) continue;
    const serverPointer = toPointer(['servers', serverIndex]);
    const listeners = Array.isArray(server.listen) ? server.listen : [];
    const listenersTrusted = trusted(`${serverPointer}/listen`);
    const ownSockets = new Set<string>();
    let hasTlsListener = false;
    let hasHttp2Listener = false;
    const http2Choices = new Set<boolean>();

    for (const [listenerIndex, listener] of listeners.entries()) {
      const pointer = toPointer(['servers', serverIndex, 'listen', listenerIndex]);
      if (!trusted(pointer) || !isObject(listener)) continue;
      const socket = `${listener.address ?? '*'}:${listener.port}`;
      if (listener.tls === true) hasTlsListener = true;
      if (listener.http2 === true) hasHttp2Listener = true;
      http2Choices.add(listener.http2 === true);

      if (ownSockets.has(socket)) {
        report(context, 'spec.duplicate-listener', pointer, `this server listens on ${socket} twice`, 'remove one of the two listeners');
        continue;
      }
      ownSockets.add(socket);

      const shared = sockets.get(socket);
      if (shared && shared.server !== serverIndex) {
        const differences = ['tls', 'http2', 'http3'].filter(
          (option) => (shared.listener[option as keyof SpecListener] === true) !== (listener[option as keyof SpecListener] === true),
        );
        if (differences.length > 0) {
          report(
            context,
            'spec.listener-conflict',
            pointer,
            `${socket} is also a listener of server ${shared.server + 1} with different ${differences.join(', ')} settings; nginx applies one set of options per address and port`,
            `use the same ${differences.join(', ')} settings on every listener of ${socket}`,
          );
        }
      } else if (!shared) {
        sockets.set(socket, { pointer, listener, server: serverIndex });
      }

      if (listener.default_server === true) {
        const other = defaults.get(socket);
        if (other !== undefined) {
          report(context, 'spec.duplicate-default-server', `${pointer}/default_server`, `${socket} already has a default server (${other})`, 'keep default_server on one listener of each address and port');
        } else {
          defaults.set(socket, `server ${serverIndex + 1}`);
        }
      }

      checkListenerVersion(context, pointer, listener);
    }

    const tlsPointer = `${serverPointer}/tls`;
    // A misspelled "tls" key is an unknown property already, so the certificate counts as missing only when the server's keys are all known.
    if (hasTlsListener && server.tls === undefined && context.trust.keysTrusted(serverPointer)) {
      report(context, 'spec.tls-missing', serverPointer, 'this server has a TLS listener but no certificate', 'add "tls" with "certificate" and "key" to the server');
    }
    // With a listener that failed validation, whether one was meant for TLS is unknown.
    if (!hasTlsListener && server.tls !== undefined && trusted(tlsPointer) && listenersTrusted) {
      report(context, 'spec.tls-unused', tlsPointer, 'this server has a certificate but no TLS listener, so the certificate is not used', 'add "tls: true" to a listener, or remove "tls"', 'warning');
    }
    if (http2Choices.size > 1 && context.target?.features.http2Directive) {
      report(
        context,
        'spec.http2-per-server',
        `${serverPointer}/listen`,
        `some listeners of this server enable http2 and others do not, but since nginx 1.25.1 HTTP/2 is switched on per server ("http2 on"), so all of them will offer it`,
        'set http2 the same on every listener of the server, or move the HTTP/1-only listener to a server of its own',
        'warning',
      );
    }

    const serverNames = Array.isArray(server.server_names) ? server.server_names : [];
    for (const [nameIndex, serverName] of serverNames.entries()) {
      if (typeof serverName !== 'string' || !trusted(toPointer(['servers', serverIndex, 'server_names', nameIndex]))) continue;
      for (const socket of ownSockets) {
        const claimed = namesBySocket.get(socket) ?? new Map<string, string>();
        namesBySocket.set(socket, claimed);
        const owner = claimed.get(serverName.toLowerCase());
        if (owner !== undefined && owner !== `server ${serverIndex + 1}`) {
          report(
            context,
            'spec.duplicate-server-name',
            toPointer(['servers', serverIndex, 'server_names', nameIndex]),
            `server name "${serverName}" on ${socket} is already used by ${owner}; nginx would ignore this one`,
            'give each server on the same address and port its own names',
          );
        }
        claimed.set(serverName.toLowerCase(), `server ${serverIndex + 1}`);
      }
    }

    const hasPlainListener = listeners.some((listener, listenerIndex) => isObject(listener) && trusted(toPointer(['servers', serverIndex, 'listen', listenerIndex, 'tls'])) && listener.tls !== true);
    checkLocations(context, serverIndex, names, { hasHttp2Listener, hasPlainListener });
  }
}

function checkListenerVersion(context: Context, pointer: string, listener: SpecListener): void {
  const target = context.target;
  if (listener.http3 === true) {
    requireFeature(context, 'http3', `${pointer}/http3`, '"http3"');
    if (listener.tls !== true) {
      report(context, 'spec.http3-without-tls', `${pointer}/http3`, 'HTTP/3 always uses TLS, but this listener has no "tls: true"', 'add "tls: true" to the listener, or remove "http3"');
    }
  }
  if (listener.h2c_only === true && (listener.tls === true || listener.http2 !== true)) {
    report(
      context,
      'spec.h2c-only-misplaced',
      `${pointer}/h2c_only`,
      '"h2c_only" applies only to a plain-text listener with "http2: true"',
      'remove "h2c_only", or set "http2: true" and remove "tls"',
    );
  }
  if (!target || listener.http2 !== true || listener.tls === true) return;
  if (!target.features.plainPortServesHttp1AndH2c && listener.h2c_only !== true) {
    report(
      context,
      'spec.plain-http2-listener',
      `${pointer}/http2`,
      `on ${describeTarget(target)} a plain-text http2 port speaks only HTTP/2 with prior knowledge, so HTTP/1.1 clients (every browser) fail on port ${listener.port}`,
      'add "h2c_only: true" if only HTTP/2 clients use this port, serve HTTP/1.1 on another port, or target nginx 1.25.1 or later',
    );
  }
}

function checkLocations(context: Context, serverIndex: number, names: Set<string>, listeners: { hasHttp2Listener: boolean; hasPlainListener: boolean }): void {
  const server = context.data.servers[serverIndex]!;
  const locations = Array.isArray(server.locations) ? server.locations : [];
  const { trusted } = context.trust;
  const seen = new Map<string, number>();

  for (const [index, location] of locations.entries()) {
    const pointer = toPointer(['servers', serverIndex, 'locations', index]);
    if (!isObject(location)) continue;

    if (trusted(`${pointer}/path`) && trusted(`${pointer}/match`) && typeof location.path === 'string') {
      const match = location.match ?? 'prefix';
      const regex = match === 'regex' || match === 'regex_ci';
      if (!regex && !location.path.startsWith('/')) {
        report(context, 'spec.location-path', `${pointer}/path`, `location path "${location.path}" does not start with "/"`, 'start the path with "/", or set match to regex for a regular expression');
      }
      const strayBrace = regex ? strayRegexBrace(location.path) : location.path.search(/[{}]/);
      if (strayBrace !== -1) {
        report(
          context,
          'spec.location-brace',
          `${pointer}/path`,
          `"${location.path[strayBrace]}" at character ${strayBrace + 1} of location "${location.path}" ${regex ? 'is not part of a repetition count such as {1,3}' : 'is not allowed in a prefix path'}`,
          regex ? 'use braces only as repetition counts, or escape a literal brace as \\{ or \\}' : 'percent-encode the brace as %7B or %7D',
        );
      }
      if (regex) {
        try {
          new RegExp(location.path);
        } catch (error) {
          report(context, 'spec.location-regex', `${pointer}/path`, `invalid regular expression "${location.path}": ${(error as Error).message}`, 'fix the regular expression (nginx uses PCRE syntax)');
        }
      }
      // Plain prefix and ^~ prefix locations share one namespace in nginx: the same path twice is a duplicate.
      const key = `${match === 'prefix_priority' ? 'prefix' : match}:${match === 'regex_ci' ? location.path.toLowerCase() : location.path}`;
      const first = seen.get(key);
      if (first !== undefined) {
        report(context, 'spec.duplicate-location', `${pointer}/path`, `location "${location.path}" is defined twice in this server (first as item ${first + 1})`, 'merge the two locations');
      } else {
        seen.set(key, index);
      }
    }

    if (trusted(`${pointer}/retries/conditions`) && location.retries?.conditions?.includes('off') && location.retries.conditions.length > 1) {
      report(context, 'spec.retries-off', `${pointer}/retries/conditions`, '"off" cannot be combined with other retry conditions', 'list only "off", or remove it');
    }
    if (trusted(`${pointer}/timeouts/connect`) && location.timeouts?.connect !== undefined) {
      const ms = parseDuration(location.timeouts.connect);
      if (ms !== undefined && ms > 75_000) {
        report(context, 'spec.connect-timeout', `${pointer}/timeouts/connect`, 'nginx documents that a connect timeout usually cannot exceed 75 seconds', 'use 75s or less', 'warning');
      }
    }

    // The checks below need the location's upstream, so they come last.
    if (!trusted(`${pointer}/upstream`) || typeof location.upstream !== 'string') continue;
    if (!names.has(location.upstream)) {
      const suggestion = [...names].find((name) => name.toLowerCase() === location.upstream.toLowerCase());
      report(
        context,
        'spec.unknown-upstream',
        `${pointer}/upstream`,
        `unknown upstream "${location.upstream}"`,
        suggestion ? `did you mean "${suggestion}"? Upstream names are case-sensitive` : `define it under "upstreams" or use one of: ${[...names].join(', ')}`,
      );
      continue;
    }

    const upstream = context.data.upstreams[location.upstream];
    const upstreamPointer = toPointer(['upstreams', location.upstream]);
    if (!isObject(upstream)) continue;
    const protocol = trusted(`${upstreamPointer}/protocol`) ? upstream.protocol : undefined;
    if (protocol === 'grpc' && !listeners.hasHttp2Listener) {
      report(context, 'spec.grpc-without-http2', `${pointer}/upstream`, `upstream "${location.upstream}" speaks gRPC, but this server has no http2 listener and gRPC clients need HTTP/2`, 'add "http2: true" to a listener of this server');
    }
    if (trusted(`${pointer}/websocket`) && location.websocket === true && (protocol === 'grpc' || protocol === 'http2')) {
      report(context, 'spec.websocket-protocol', `${pointer}/websocket`, `WebSocket needs HTTP/1.1 to the upstream, but "${location.upstream}" uses protocol ${protocol}`, 'remove "websocket", or use protocol http1 for this upstream');
    }

    const affinity = trusted(`${upstreamPointer}/affinity/mode`) && trusted(`${upstreamPointer}/affinity/secure`) ? upstream.affinity : undefined;
    if (affinity?.mode === 'cookie' && affinity.secure === true && listeners.hasPlainListener) {
      report(
        context,
        'spec.secure-cookie-plain-listener',
        `${pointer}/upstream`,
        `the affinity cookie of "${location.upstream}" is secure, but this server also listens without TLS; browsers do not send secure cookies over plain HTTP, so those clients are not kept on one server`,
        'serve this location over TLS only, or accept that plain-text clients are balanced without affinity',
        'warning',
      );
    }

  }
}

function checkUnusedUpstreams(context: Context): void {
  const { trusted, keysTrusted } = context.trust;
  const used = new Set<string>();
  const servers = Array.isArray(context.data.servers) ? context.data.servers : [];
  for (const [serverIndex, server] of servers.entries()) {
    const serverPointer = toPointer(['servers', serverIndex]);
    const locations = isObject(server) && Array.isArray(server.locations) ? server.locations : [];
    // A location that failed the schema may have meant any upstream ("upstrem: app"), so "not used" would only restate its error.
    if (!keysTrusted(serverPointer) || (!trusted(`${serverPointer}/locations`) && !keysTrustedForAll(context, serverPointer, locations))) return;
    for (const location of locations) if (isObject(location) && typeof location.upstream === 'string') used.add(location.upstream);
  }
  for (const name of upstreamNames(context)) {
    if (used.has(name)) continue;
    report(context, 'spec.unused-upstream', toPointer(['upstreams', name]), `upstream "${name}" is not used by any location`, 'proxy a location to it, or remove it', 'warning', 'key');
  }
}

/** True when every location of the server has only known keys and a valid "upstream". */
function keysTrustedForAll(context: Context, serverPointer: string, locations: readonly unknown[]): boolean {
  return locations.every((location, index) => {
    const pointer = `${serverPointer}/locations/${index}`;
    return isObject(location) && context.trust.keysTrusted(pointer) && context.trust.trusted(`${pointer}/upstream`);
  });
}

/**
 * Returns the index of the first brace in a regular expression that is not
 * part of a repetition count ({n}, {n,}, {n,m}) or escaped, or -1.
 */
function strayRegexBrace(pattern: string): number {
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index];
    if (character === '\\') {
      index++;
      continue;
    }
    if (character === '}') return index;
    if (character !== '{') continue;
    const count = /^\{\d+(?:,\d*)?\}/.exec(pattern.slice(index));
    if (!count) return index;
    index += count[0].length - 1;
  }
  return -1;
}

/** Names of the captures a regular expression defines, which nginx offers as variables ($1 and $name). */
function namedCaptures(pattern: string): Set<string> {
  return new Set([...pattern.matchAll(/\(\?(?:P?<|')([A-Za-z_][A-Za-z0-9_]*)[>']/g)].map((match) => match[1]!));
}

export function sizeBytes(text: string): number {
  const match = /^(\d+)([kKmM]?)$/.exec(text);
  if (!match) return Number.NaN;
  const unit = match[2]!.toLowerCase();
  let multiplier = 1;
  if (unit === 'k') multiplier = 1024;
  if (unit === 'm') multiplier = 1024 * 1024;
  return Number(match[1]) * multiplier;
}

