/**
 * Records the decisions real nginx makes, request by request, for each balancing
 * method and sticky mode, so the decision core can be replayed against it.
 *
 * For each scenario the script starts loopback backends, compiles a spec with
 * the h2sticky compiler, adds response headers with $upstream_addr,
 * $upstream_status and $msec to every location, runs nginx with one worker
 * through the runner, drives a scripted sequence of requests and backend
 * faults, and writes fixtures/recordings/<nginx-version>/<scenario>.json.
 *
 * Run: npx tsx scripts/record-balancers.ts [--version 1.30|1.26|1.22] [SCENARIO...]
 * nginx 1.30 runs from the newest h2sticky/nginx image for native sticky
 * (1.29.6 or later), and 1.26 from the newest image between 1.25.1 and
 * 1.29.6. nginx 1.22 runs from the local binary, or the image of that line
 * when no local 1.22 is installed. See docs/recordings.md.
 */

import { mkdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

import { compileSpecText } from '../src/compile.js';
import { Backend } from '../src/diff/backend.js';
import { renderConfig } from '../src/nginx/render.js';
import { readNginxBuildInfo } from '../src/nginx/runner/executor.js';
import { featureLevels, requireNginxImage } from '../src/nginx/runner/images.js';
import { defaultNginxSource, formatNginxSource, resolveLocalNginx, type NginxSource } from '../src/nginx/runner/source.js';
import { startNginx, type RunningNginx } from '../src/nginx/runner/start.js';
import type { BalancerRecording, RecordedResponse, RecordingEvent, ReplayFault } from '../src/proxy/core/replay.js';
import { freePort } from '../test/helpers/loopback.js';
import { writeFileAtomic } from '../src/util/atomic-write.js';

export type Line = '1.30' | '1.26' | '1.22';

export interface RequestOptions {
  path?: string;
  method?: string;
  /** The Cookie header to send. */
  cookie?: string;
  /** Local address to send from, such as 127.0.0.7 (ip_hash). */
  client?: string;
}

/** The recorded actions of a scenario's script: requests, backend faults and waits. */
export interface Driver {
  readonly backends: readonly Backend[];
  send(options?: RequestOptions): Promise<RecordedResponse>;
  /** Sends several requests 30 ms apart and waits for all of them. */
  concurrent(list: readonly RequestOptions[]): Promise<RecordedResponse[]>;
  fault(backend: number, fault: ReplayFault): Promise<void>;
  /** Waits so that failed peers pass their fail_timeout. */
  wait(ms: number): Promise<void>;
  /** The value of the sticky cookie named `name` in a response, if it set one. */
  cookieValue(response: RecordedResponse, name: string): string | undefined;
}

export interface Scenario {
  name: string;
  lines: readonly Line[];
  /** The upstream's spec as YAML lines (below `app:`), for backend ports p[0..n). */
  upstream(ports: readonly number[], line: Line): string;
  backends: number;
  /** Keep upstream connections alive (the version's default keepalive); the other scenarios turn it off. */
  keepalive?: boolean;
  script(driver: Driver, line: Line): Promise<void>;
}

export const failTimeout = '2s';
/** A failed peer is eligible again once `now - checked > 2`, so 3.5 s of waiting always suffices. */
export const recoveryMs = 3500;

/** Requests start only between these milliseconds of a second, so nginx's whole-second clock is unambiguous. */
const windowStartMs = 100;
const windowEndMs = 350;

// ---------------------------------------------------------------------------
// Scenarios

/** The phases every balancer goes through; `vary` adds the per-request inputs of the method (client, key). */
async function standardScript(d: Driver, vary: (index: number) => RequestOptions, options: { backup: boolean; concurrency: boolean }): Promise<void> {
  let index = 0;
  const next = (extra: RequestOptions = {}) => d.send({ ...vary(index++), ...extra });

  // Baseline: weights and the method's own spread.
  for (let i = 0; i < 50; i++) await next();

  // A refused backend fails, the request moves on, and the peer stays out for fail_timeout.
  await d.fault(1, { kind: 'stopped' });
  for (let i = 0; i < 20; i++) await next();
  await d.fault(1, { kind: 'none' });
  for (let i = 0; i < 10; i++) await next();
  await d.wait(recoveryMs);
  for (let i = 0; i < 20; i++) await next();

  // Statuses: retried on /retry/ while tries remain, passed through on /.
  await d.fault(0, { kind: 'status', status: 502 });
  for (let i = 0; i < 10; i++) await next({ path: '/retry/' });
  for (let i = 0; i < 6; i++) await next();
  await d.fault(0, { kind: 'status', status: 404 });
  for (let i = 0; i < 6; i++) await next({ path: '/retry/' });
  await d.fault(0, { kind: 'none' });
  await d.wait(recoveryMs);

  // A backend that never responds: timeouts, retried on /retry/, 504 on /off/.
  await d.fault(2, { kind: 'hang' });
  for (let i = 0; i < 3; i++) await next({ path: '/retry/' });
  await d.wait(recoveryMs);
  for (let i = 0; i < 2; i++) await next({ path: '/off/' });
  await d.fault(2, { kind: 'none' });
  await d.wait(recoveryMs);

  // POST: a refused connect is retried, a sent POST is not.
  await d.fault(1, { kind: 'stopped' });
  for (let i = 0; i < 4; i++) await next({ method: 'POST' });
  await d.fault(1, { kind: 'none' });
  await d.wait(recoveryMs);
  await d.fault(0, { kind: 'status', status: 503 });
  for (let i = 0; i < 4; i++) await next({ method: 'POST', path: '/retry/' });
  await d.fault(0, { kind: 'none' });
  await d.wait(recoveryMs);

  // Every primary refuses: the backup list if there is one, then no live upstreams.
  const primaries = options.backup ? d.backends.length - 2 : d.backends.length - 1;
  for (let b = 0; b < primaries; b++) await d.fault(b, { kind: 'stopped' });
  for (let i = 0; i < 8; i++) await next();
  if (options.backup) {
    await d.fault(d.backends.length - 2, { kind: 'stopped' });
    for (let i = 0; i < 4; i++) await next();
    await d.fault(d.backends.length - 2, { kind: 'none' });
  }
  for (let b = 0; b < primaries; b++) await d.fault(b, { kind: 'none' });
  await d.wait(recoveryMs);
  for (let i = 0; i < 20; i++) await next();

  // In-flight requests: a slow backend keeps its connections while others arrive.
  if (options.concurrency) {
    await d.fault(0, { kind: 'delay', ms: 300 });
    for (let round = 0; round < 6; round++) await d.concurrent(Array.from({ length: 5 }, () => vary(index++)));

    // b3 (max_conns=2) is slow too, so it fills up and is skipped until a request ends.
    await d.fault(2, { kind: 'delay', ms: 500 });
    for (let round = 0; round < 4; round++) await d.concurrent(Array.from({ length: 8 }, () => vary(index++)));
    await d.fault(2, { kind: 'none' });
    await d.fault(0, { kind: 'none' });
  }

  for (let i = 0; i < 30; i++) await next();
}

/** Servers b1 (weight 3), b2, b3 (max_conns 2), b4 down, and b5 backup where the method allows one. */
function servers(ports: readonly number[], backup: boolean): string {
  const lines = [
    `      - { address: "127.0.0.1:${ports[0]}", weight: 3, fail_timeout: ${failTimeout} }`,
    `      - { address: "127.0.0.1:${ports[1]}", fail_timeout: ${failTimeout} }`,
    `      - { address: "127.0.0.1:${ports[2]}", max_conns: 2, max_fails: 2, fail_timeout: ${failTimeout} }`,
  ];
  if (backup) lines.push(`      - { address: "127.0.0.1:${ports[3]}", backup: true, fail_timeout: ${failTimeout} }`);
  lines.push(`      - { address: "127.0.0.1:${ports[backup ? 4 : 3]}", down: true }`);
  return `    servers:\n${lines.join('\n')}\n`;
}

const clients = (index: number): RequestOptions => ({ client: `127.0.0.${1 + ((index * 7) % 23)}` });
const keys = (index: number): RequestOptions => ({ path: index % 9 === 4 ? '/' : `/?k=user${(index * 5) % 17}` });

function stickyScript(cookieName: string | undefined, stickyRequest: (jar: string | undefined, index: number) => RequestOptions) {
  return async (d: Driver): Promise<void> => {
    // Eight clients; even ones keep the sticky cookie, odd ones never store it.
    const jars: (string | undefined)[] = Array.from({ length: 8 }, () => undefined);
    let index = 0;
    const next = async (extra: RequestOptions = {}) => {
      const client = index % jars.length;
      const response = await d.send({ ...stickyRequest(jars[client], index), ...extra });
      index++;
      const value = cookieName === undefined ? undefined : d.cookieValue(response, cookieName);
      if (client % 2 === 0 && value !== undefined) jars[client] = value;
      return response;
    };

    for (let i = 0; i < 60; i++) await next();

    // The bound server refuses: the request re-binds elsewhere and the cookie follows.
    await d.fault(0, { kind: 'stopped' });
    for (let i = 0; i < 24; i++) await next();
    await d.fault(0, { kind: 'none' });
    await d.wait(recoveryMs);
    for (let i = 0; i < 24; i++) await next();

    // Retries overwrite the cookie with the last pick.
    await d.fault(1, { kind: 'status', status: 502 });
    for (let i = 0; i < 16; i++) await next({ path: '/retry/' });
    await d.fault(1, { kind: 'none' });
    await d.wait(recoveryMs);

    // Every server refuses: nginx's own 502 after a pick, then no live upstreams.
    for (let b = 0; b < d.backends.length - 1; b++) await d.fault(b, { kind: 'stopped' });
    for (let i = 0; i < 8; i++) await next();
    for (let b = 0; b < d.backends.length - 1; b++) await d.fault(b, { kind: 'none' });
    await d.wait(recoveryMs);

    for (let i = 0; i < 80; i++) await next();
  };
}

/** Cookie variants nginx must parse: honoured, wrong case, trailing space, commas, unknown values. */
function cookieVariants(name: string) {
  return (jar: string | undefined, index: number): RequestOptions => {
    if (jar === undefined) {
      if (index % 11 === 3) return { cookie: `${name}=0123456789abcdef0123456789abcdef` };
      if (index % 13 === 5) return { cookie: `${name}=` };
      return {};
    }
    switch (index % 10) {
      case 1:
        return { cookie: `${name.toUpperCase()}=${jar}` };
      case 3:
        return { cookie: `${name}=${jar} ` };
      case 5:
        return { cookie: `a=b, ${name}=${jar}` };
      case 7:
        return { cookie: `other=1; ${name} = ${jar}; last=2` };
      default:
        return { cookie: `${name}=${jar}` };
    }
  };
}

/**
 * Keepalive connections: a backend that closes a reused connection when the
 * request arrives costs no try (nginx gives the try of a cached connection
 * back), while the same failure on a new connection does.
 */
async function keepaliveScript(d: Driver): Promise<void> {
  const next = (extra: RequestOptions = {}) => d.send(extra);

  // Leave idle connections to every backend, on both locations.
  for (let i = 0; i < 20; i++) await next();
  for (let i = 0; i < 12; i++) await next({ path: '/retry/' });

  await d.fault(0, { kind: 'reset' });
  for (let i = 0; i < 8; i++) await next();
  for (let i = 0; i < 4; i++) await next({ path: '/retry/' });
  await d.fault(0, { kind: 'none' });
  await d.wait(recoveryMs);
  for (let i = 0; i < 16; i++) await next();

  // Every backend resets: each reused connection gives its try back until the peers are out.
  for (let b = 0; b < 3; b++) await d.fault(b, { kind: 'reset' });
  for (let i = 0; i < 6; i++) await next();
  for (let b = 0; b < 3; b++) await d.fault(b, { kind: 'none' });
  await d.wait(recoveryMs);
  for (let i = 0; i < 20; i++) await next();

  // A POST on a reused connection was sent, so it is not retried.
  await d.fault(1, { kind: 'reset' });
  for (let i = 0; i < 6; i++) await next({ method: 'POST' });
  await d.fault(1, { kind: 'none' });
  await d.wait(recoveryMs);

  // A stopped backend closes its idle connections; the next attempts connect anew and are refused.
  await d.fault(2, { kind: 'stopped' });
  for (let i = 0; i < 8; i++) await next();
  await d.fault(2, { kind: 'none' });
  await d.wait(recoveryMs);

  await d.fault(0, { kind: 'delay', ms: 300 });
  for (let round = 0; round < 4; round++) await d.concurrent(Array.from({ length: 5 }, () => ({})));
  await d.fault(0, { kind: 'none' });
  for (let i = 0; i < 90; i++) await next(i % 3 === 0 ? { path: '/retry/' } : {});
}

/** Cookie affinity as YAML; `expires` only where nginx writes a date (native sticky). */
const cookieAffinity = (line: Line) => `    affinity: { mode: cookie, name: srv_id${line === '1.30' ? ', expires: 1h' : ''}, path: / }\n`;

const stickyServers = (ports: readonly number[]) =>
  `    servers:\n${ports
    .slice(0, 3)
    .map((port, i) => `      - { address: "127.0.0.1:${port}", weight: ${i === 0 ? 2 : 1}, fail_timeout: ${failTimeout} }`)
    .join('\n')}\n      - { address: "127.0.0.1:${ports[3]}", down: true }\n`;

export const scenarios: Scenario[] = [
  {
    name: 'round_robin',
    lines: ['1.30', '1.26', '1.22'],
    backends: 5,
    upstream: (ports) => servers(ports, true),
    script: (d) => standardScript(d, () => ({}), { backup: true, concurrency: true }),
  },
  {
    name: 'least_conn',
    lines: ['1.30', '1.26', '1.22'],
    backends: 5,
    upstream: (ports) => `    balance: least_conn\n${servers(ports, true)}`,
    script: (d) => standardScript(d, () => ({}), { backup: true, concurrency: true }),
  },
  {
    name: 'ip_hash',
    lines: ['1.30', '1.26', '1.22'],
    backends: 4,
    upstream: (ports) => `    balance: ip_hash\n${servers(ports, false)}`,
    script: (d) => standardScript(d, clients, { backup: false, concurrency: true }),
  },
  {
    name: 'hash',
    lines: ['1.30', '1.26', '1.22'],
    backends: 4,
    upstream: (ports) => `    balance: { method: hash, key: "$arg_k" }\n${servers(ports, false)}`,
    script: (d) => standardScript(d, keys, { backup: false, concurrency: true }),
  },
  {
    name: 'hash_consistent',
    lines: ['1.30', '1.26', '1.22'],
    backends: 4,
    upstream: (ports) => `    balance: { method: hash, key: "$arg_k", consistent: true }\n${servers(ports, false)}`,
    script: (d) => standardScript(d, keys, { backup: false, concurrency: true }),
  },
  {
    name: 'random',
    lines: ['1.30', '1.26', '1.22'],
    backends: 4,
    upstream: (ports) => `    balance: random\n${servers(ports, false)}`,
    script: (d) => standardScript(d, () => ({}), { backup: false, concurrency: true }),
  },
  {
    name: 'random_two',
    lines: ['1.30', '1.26', '1.22'],
    backends: 4,
    upstream: (ports) => `    balance: { method: random, two: true }\n${servers(ports, false)}`,
    script: (d) => standardScript(d, () => ({}), { backup: false, concurrency: true }),
  },
  {
    name: 'keepalive',
    lines: ['1.30', '1.26', '1.22'],
    backends: 4,
    keepalive: true,
    upstream: (ports) => servers(ports, false),
    script: keepaliveScript,
  },
  {
    // Native sticky cookie on 1.30; on 1.26 and 1.22 the compiler emulates it with pinned blocks and maps.
    name: 'sticky_cookie',
    lines: ['1.30', '1.26', '1.22'],
    backends: 4,
    upstream: (ports, line) => `${stickyServers(ports)}${cookieAffinity(line)}`,
    script: stickyScript('srv_id', cookieVariants('srv_id')),
  },
  {
    // A bound request skips least_conn's comparison and changes no weights.
    name: 'sticky_least_conn',
    lines: ['1.30', '1.26', '1.22'],
    backends: 4,
    upstream: (ports, line) => `    balance: least_conn\n${stickyServers(ports)}${cookieAffinity(line)}`,
    script: stickyScript('srv_id', cookieVariants('srv_id')),
  },
  {
    // A bound request skips the hash; unbound ones hash their key, or use round robin without one.
    name: 'sticky_hash',
    lines: ['1.30', '1.26', '1.22'],
    backends: 4,
    upstream: (ports, line) => `    balance: { method: hash, key: "$arg_k" }\n${stickyServers(ports)}${cookieAffinity(line)}`,
    script: stickyScript('srv_id', (jar, index) => ({ ...cookieVariants('srv_id')(jar, index), path: `/?k=user${index % 7}` })),
  },
  {
    name: 'sticky_route',
    lines: ['1.30'],
    backends: 4,
    upstream: (ports) =>
      `    servers:\n${ports
        .slice(0, 3)
        .map((port, i) => `      - { address: "127.0.0.1:${port}", route: r${i + 1}, fail_timeout: ${failTimeout} }`)
        .join('\n')}\n      - { address: "127.0.0.1:${ports[3]}", route: r4, drain: true }\n    affinity: { mode: route, variables: ["$arg_route", "$cookie_route"] }\n`,
    script: stickyScript(undefined, (_jar, index) => {
      const routes = ['r1', 'r2', 'r3', 'r4', 'rx', ''];
      const route = routes[index % routes.length]!;
      return index % 4 === 1 ? { cookie: `route=${route}` } : { path: `/?route=${route}` };
    }),
  },
  {
    name: 'sticky_learn',
    lines: ['1.30'],
    backends: 4,
    upstream: (ports) =>
      `${stickyServers(ports)}    affinity: { mode: learn, create: ["$arg_new"], lookup: ["$cookie_session", "$arg_session"], zone_size: 64k, timeout: 20s }\n`,
    script: stickyScript(undefined, (_jar, index) => {
      const session = `s${index % 9}`;
      if (index % 5 === 0) return { path: `/?new=${session}` };
      return index % 2 === 0 ? { cookie: `session=${session}` } : { path: `/?session=${session}` };
    }),
  },
];

// ---------------------------------------------------------------------------
// Running one scenario

function specText(scenario: Scenario, line: Line, ports: readonly number[], listenPort: number): string {
  const location = (path: string, extra: string) =>
    `      - path: ${path}\n        upstream: app\n        timeouts: { connect: 1s, read: 1s }\n${extra}`;
  return [
    'h2sticky: 1',
    `target: { nginx: "${line}" }`,
    'runtime: { worker_processes: 1 }',
    'upstreams:',
    '  app:',
    ...(scenario.keepalive ? [] : ['    keepalive: false']),
    scenario.upstream(ports, line).trimEnd(),
    'servers:',
    '  - listen:',
    `      - { address: 127.0.0.1, port: ${listenPort} }`,
    '    locations:',
    location('/', '').trimEnd(),
    location('/retry/', '        retries: { conditions: [error, timeout, http_500, http_502, http_503, http_504, http_404, http_429], tries: 3 }\n').trimEnd(),
    location('/off/', '        retries: { conditions: [off] }\n').trimEnd(),
    '',
  ].join('\n');
}

export async function sourceFor(line: Line): Promise<NginxSource> {
  if (line === '1.22') {
    try {
      const local: NginxSource = { kind: 'local', bin: resolveLocalNginx(defaultNginxSource.bin) };
      if ((await readNginxBuildInfo(local)).version.startsWith('1.22.')) return local;
    } catch {
      // No usable local binary: use the image below.
    }
    return { kind: 'docker', image: (await requireNginxImage(featureLevels.listenHttp2)).image };
  }
  if (line === '1.26') return { kind: 'docker', image: (await requireNginxImage(featureLevels.http2Directive)).image };
  return { kind: 'docker', image: (await requireNginxImage(featureLevels.nativeSticky)).image };
}

export async function record(scenario: Scenario, line: Line, source: NginxSource): Promise<BalancerRecording> {
  const versionText = (await readNginxBuildInfo(source)).version;
  const backends = Array.from({ length: scenario.backends }, (_, i) => new Backend({ id: `b${i + 1}` }));
  await Promise.all(backends.map((backend) => backend.start()));
  const listenPort = await freePort();
  const text = specText(scenario, line, backends.map((backend) => backend.port), listenPort).replace(`nginx: "${line}"`, `nginx: "${versionText}"`);

  const compiled = compileSpecText(text, `${scenario.name}.yaml`);
  const errors = compiled.problems.filter((problem) => problem.severity === 'error');
  if (compiled.plan === undefined || errors.length > 0) throw new Error(`the ${scenario.name} spec does not compile: ${errors.map((e) => e.message).join('; ')}`);
  const plan = compiled.plan;
  for (const location of plan.servers.flatMap((server) => server.locations)) {
    location.addHeaders.push(
      { name: 'X-Upstream-Addr', value: '$upstream_addr', always: true },
      { name: 'X-Upstream-Status', value: '$upstream_status', always: true },
      { name: 'X-Msec', value: '$msec', always: true },
    );
  }

  const events: RecordingEvent[] = [];
  let nginx: RunningNginx | undefined;
  try {
    nginx = await startNginx({ source, config: renderConfig(plan, 'full'), layout: 'full', fileName: `${scenario.name}.conf`, ports: [listenPort] });
    const worker = parseWorkerStart(await nginx.errorLog());
    const driver = createDriver(backends, listenPort, events);
    await scenario.script(driver, line);

    return {
      format: 1,
      balancer: scenario.name,
      nginxVersion: versionText,
      nginxSource: formatNginxSource(source),
      recordedAt: new Date().toISOString(),
      specText: text,
      worker,
      backends: backends.map((backend) => ({ id: backend.id, port: backend.port })),
      events,
    };
  } finally {
    await nginx?.stop();
    await Promise.all(backends.map((backend) => backend.stop()));
  }
}

/** Reads the worker's pid and start second from the master's `start worker process N` line (error log times are UTC here). */
function parseWorkerStart(log: string): { pid: number; startSecond: number } {
  const match = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) \[notice\] \d+#\d+: start worker process (\d+)/m.exec(log);
  if (!match) throw new Error('the error log has no "start worker process" line');
  const [, year, month, day, hour, minute, second, pid] = match.map(Number) as number[];
  return { pid: pid!, startSecond: Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) / 1000 };
}

function createDriver(backends: readonly Backend[], port: number, events: RecordingEvent[]): Driver {
  let nextId = 1;

  const align = async () => {
    const fraction = Date.now() % 1000;
    if (fraction < windowStartMs) await sleep(windowStartMs - fraction);
    else if (fraction > windowEndMs) await sleep(1000 - fraction + windowStartMs);
  };

  const exchange = (options: RequestOptions): Promise<RecordedResponse> => {
    const id = nextId++;
    const method = options.method ?? 'GET';
    const path = options.path ?? '/';
    const clientAddress = options.client ?? '127.0.0.1';
    const atMs = Date.now();
    const event: Extract<RecordingEvent, { type: 'request' }> = {
      type: 'request',
      id,
      atMs,
      method,
      path,
      ...(options.cookie !== undefined ? { cookie: options.cookie } : {}),
      clientAddress,
      response: { status: 0, upstreamAddr: '', upstreamStatus: '', setCookie: [], msec: '', doneMs: 0 },
    };
    events.push(event);

    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          method,
          localAddress: clientAddress,
          agent: false,
          timeout: 10_000,
          headers: { host: 'localhost', ...(options.cookie !== undefined ? { cookie: options.cookie } : {}), ...(method === 'POST' ? { 'content-length': '2' } : {}) },
        },
        (incoming) => {
          incoming.resume();
          incoming.on('end', () => {
            const header = (name: string) => String(incoming.headers[name] ?? '');
            event.response = {
              status: incoming.statusCode ?? 0,
              upstreamAddr: header('x-upstream-addr'),
              upstreamStatus: header('x-upstream-status'),
              setCookie: incoming.headers['set-cookie'] ?? [],
              msec: header('x-msec'),
              doneMs: Date.now(),
            };
            resolve(event.response);
          });
          incoming.on('error', reject);
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`request ${id} to nginx timed out`)));
      outgoing.on('error', reject);
      outgoing.end(method === 'POST' ? '{}' : undefined);
    });
  };

  return {
    backends,
    async send(options = {}) {
      await align();
      return exchange(options);
    },
    async concurrent(list) {
      await align();
      const pending: Promise<RecordedResponse>[] = [];
      for (const options of list) {
        pending.push(exchange(options));
        await sleep(30);
      }
      return Promise.all(pending);
    },
    async fault(index, fault) {
      const backend = backends[index]!;
      if (fault.kind === 'stopped') await backend.stop();
      else {
        if (!backend.running) await backend.start();
        backend.fault = fault;
      }
      events.push({ type: 'fault', atMs: Date.now(), backend: backend.id, fault });
    },
    async wait(ms) {
      await sleep(ms);
    },
    cookieValue(response, name) {
      for (const header of response.setCookie) {
        const pair = header.split(';')[0]!;
        const equals = pair.indexOf('=');
        if (pair.slice(0, equals) === name) return pair.slice(equals + 1);
      }
      return undefined;
    },
  };
}

/** Formats a recording as JSON with one event per line, so re-recordings give readable diffs. */
function formatRecording(recording: BalancerRecording): string {
  const { events, ...head } = recording;
  const top = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  return `${top},\n  "events": [\n${events.map((event) => `    ${JSON.stringify(event)}`).join(',\n')}\n  ]\n}\n`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const versionIndex = args.indexOf('--version');
  const lines: Line[] = versionIndex === -1 ? ['1.30', '1.26', '1.22'] : [args[versionIndex + 1] as Line];
  const names = args.filter((arg, i) => !arg.startsWith('--') && (versionIndex === -1 || i !== versionIndex + 1));

  for (const line of lines) {
    const source = await sourceFor(line);
    for (const scenario of scenarios) {
      if (!scenario.lines.includes(line) || (names.length > 0 && !names.includes(scenario.name))) continue;

      const started = Date.now();
      const recording = await record(scenario, line, source);
      const directory = join('fixtures', 'recordings', recording.nginxVersion);
      await mkdir(directory, { recursive: true });
      await writeFileAtomic(join(directory, `${scenario.name}.json`), formatRecording(recording));
      const requests = recording.events.filter((event) => event.type === 'request').length;
      process.stdout.write(`${recording.nginxVersion} ${scenario.name}: ${requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
  }
}

// Run only as a script: the integration tests import record() and the scenarios.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
