/**
 * Replays a recording of real nginx through the decision core with a
 * simulated clock. A recording lists, in time order, the faults set on the
 * loopback backends and the requests sent to nginx with nginx's responses
 * ($upstream_addr, $upstream_status, Set-Cookie, status). The replay sends
 * the same requests to the core, plays each backend's fault at the moment an
 * attempt reaches it, and reports every field where the core decides
 * differently from nginx.
 */

import type { Plan, PlanLocation } from '../../plan/types.js';
import { SimulatedClock } from './clock.js';
import { ProxyCore } from './core.js';
import { GlibcRandom, nginxWorkerSeed, type RandomSource } from './glibc-random.js';
import type { AttemptOutcome, UpstreamStep, UpstreamUse } from './types.js';

/** The behaviour of a backend for each attempt, as the recording script set it. */
export type ReplayFault =
  | { kind: 'none' }
  /** The listener is closed, so connections are refused. */
  | { kind: 'stopped' }
  | { kind: 'status'; status: number }
  /** Responds with 200 after this many milliseconds. */
  | { kind: 'delay'; ms: number }
  /** Accepts the request and never responds. */
  | { kind: 'hang' }
  /** Closes the connection when the request arrives, without a response. */
  | { kind: 'reset' };

export interface RecordedResponse {
  status: number;
  upstreamAddr: string;
  upstreamStatus: string;
  /** The Set-Cookie header values of nginx's response, in order. */
  setCookie: string[];
  /** nginx's $msec when it sent the response header. */
  msec: string;
  /** Client time when the response was complete, in milliseconds since the epoch. */
  doneMs: number;
}

export type RecordingEvent =
  | { type: 'fault'; atMs: number; backend: string; fault: ReplayFault }
  | {
      type: 'request';
      id: number;
      /** Client time when the request was sent, in milliseconds since the epoch. */
      atMs: number;
      method: string;
      path: string;
      cookie?: string;
      clientAddress: string;
      response: RecordedResponse;
    };

export interface BalancerRecording {
  format: 1;
  /** The scenario's name, such as `round_robin` or `sticky_cookie`. */
  balancer: string;
  /** The version `nginx -v` reported. */
  nginxVersion: string;
  /** The nginx that ran: `local:/usr/sbin/nginx` or `docker:IMAGE`. */
  nginxSource: string;
  recordedAt: string;
  /** The spec the config was compiled from, with the ports of this run. */
  specText: string;
  /** The worker process, for the random() seed: its pid and the second of its start in nginx's error log. */
  worker: { pid: number; startSecond: number };
  backends: { id: string; port: number }[];
  events: RecordingEvent[];
}

export interface ReplayMismatch {
  requestId: number;
  field: 'status' | 'upstreamAddr' | 'upstreamStatus' | 'setCookie';
  expected: string;
  actual: string;
}

export interface ReplayResult {
  requests: number;
  /** Peer picks and busy results the core made. */
  decisions: number;
  mismatches: ReplayMismatch[];
}

export interface ReplayOptions {
  /** The worker's random() source; by default glibc's generator with seed 1. */
  random?: RandomSource;
  /** Replay only the first this many requests. */
  requestLimit?: number;
  /** Stop at the first mismatch (the seed search uses it). */
  stopAtFirstMismatch?: boolean;
}

interface Pending {
  atMs: number;
  /** Tie-break for events at the same millisecond: recording order first. */
  order: number;
  run: () => void;
}

/** Replays the recording's requests through a fresh core for `plan`; the Plan must come from the recording's specText. */
export function replayRecording(recording: BalancerRecording, plan: Plan, options: ReplayOptions = {}): ReplayResult {
  const firstMs = recording.events[0]?.atMs ?? 0;
  const clock = new SimulatedClock(firstMs);
  const core = new ProxyCore(plan, { clock, random: options.random ?? new GlibcRandom(1) });
  const server = plan.servers[0];
  if (server === undefined) throw new Error('the recording\'s Plan has no server');

  const portToBackend = new Map(recording.backends.map((backend) => [backend.port, backend.id]));
  const faults = new Map<string, ReplayFault>(recording.backends.map((backend) => [backend.id, { kind: 'none' }]));
  const result: ReplayResult = { requests: 0, decisions: 0, mismatches: [] };

  const pools = new KeepalivePools(plan);

  const queue: Pending[] = [];
  let order = 0;
  const schedule = (atMs: number, run: () => void) => {
    const item = { atMs, order: order++, run };
    let index = queue.length;
    while (index > 0 && (queue[index - 1]!.atMs > atMs || (queue[index - 1]!.atMs === atMs && queue[index - 1]!.order > item.order))) index--;
    queue.splice(index, 0, item);
  };

  let requests = 0;
  for (const event of recording.events) {
    if (event.type === 'fault') {
      schedule(event.atMs, () => {
      faults.set(event.backend, event.fault);
      // A stopped backend closes its idle connections, and nginx drops them from its cache.
      if (event.fault.kind === 'stopped') pools.dropBackend(event.backend);
    });
      continue;
    }
    if (options.requestLimit !== undefined && requests >= options.requestLimit) break;
    requests++;
    schedule(event.atMs, () => startRequest(event));
  }

  function startRequest(event: Extract<RecordingEvent, { type: 'request' }>): void {
    const location = locationFor(server!.locations, event.path);
    const use = core.startUse({
      clientAddress: event.clientAddress,
      method: event.method,
      cookieHeaders: event.cookie === undefined ? [] : [event.cookie],
      variables: (name) => requestVariable(name, event.path, event.clientAddress),
      unbufferedBody: false,
      location,
    });
    result.requests++;
    drive(event, use, location, use.start());
  }

  /** Plays attempts until the use passes a response or gives up; an attempt that takes time continues from the queue. */
  function drive(event: Extract<RecordingEvent, { type: 'request' }>, use: UpstreamUse, location: PlanLocation, first: UpstreamStep): void {
    let step = first;
    for (;;) {
      result.decisions++;
      if (step.kind === 'error') return compare(event, use, step.status);
      if (step.kind === 'pass') throw new Error('a pass step without an attempt');

      const port = step.peer.endpoint.kind === 'tcp' ? step.peer.endpoint.port : -1;
      const backend = portToBackend.get(port);
      if (backend === undefined) throw new Error(`the core picked ${step.peer.name}, but the recording has no backend on that port`);
      const fault = faults.get(backend)!;
      const cached = fault.kind !== 'stopped' && pools.take(use.upstream.name, backend, location.path);

      const delayed = outcomeOf(fault, location, cached);
      const connection = { backend, pool: location.path };
      if (delayed.afterMs === 0) {
        const next = use.report(delayed.outcome, delayed.requestSent);
        if (next.kind === 'pass') return finishPassed(event, use, delayed.outcome, connection);
        step = next;
        continue;
      }

      const resumeAt = clock.nowMs() + delayed.afterMs;
      schedule(resumeAt, () => {
        clock.set(Math.max(clock.nowMs(), resumeAt));
        const next = use.report(delayed.outcome, delayed.requestSent);
        if (next.kind === 'pass') return finishPassed(event, use, delayed.outcome, connection);
        drive(event, use, location, next);
      });
      return;
    }
  }

  function finishPassed(
    event: Extract<RecordingEvent, { type: 'request' }>,
    use: UpstreamUse,
    outcome: AttemptOutcome,
    connection: { backend: string; pool: string },
  ): void {
    use.finish();
    // A response read to the end leaves its connection idle in the block's keepalive cache.
    pools.keep(use.upstream.name, connection.backend, connection.pool);
    compare(event, use, outcome.kind === 'response' ? outcome.status : 502);
  }

  function compare(event: Extract<RecordingEvent, { type: 'request' }>, use: UpstreamUse, status: number): void {
    const expected = event.response;
    const cookie = use.setCookie();
    const fields: [ReplayMismatch['field'], string, string][] = [
      ['status', String(expected.status), String(status)],
      ['upstreamAddr', expected.upstreamAddr, use.upstreamAddr()],
      ['upstreamStatus', expected.upstreamStatus, use.upstreamStatus()],
      ['setCookie', expected.setCookie.join('\n'), cookie ?? ''],
    ];
    for (const [field, recorded, actual] of fields) {
      if (recorded !== actual) result.mismatches.push({ requestId: event.id, field, expected: recorded, actual });
    }
  }

  while (queue.length > 0) {
    const item = queue.shift()!;
    clock.set(Math.max(clock.nowMs(), item.atMs));
    item.run();
    if (options.stopAtFirstMismatch && result.mismatches.length > 0) break;
  }
  return result;
}

/** Returns how an attempt on a backend with this fault ends, and after how many milliseconds. */
function outcomeOf(fault: ReplayFault, location: PlanLocation, cached: boolean): { outcome: AttemptOutcome; requestSent: boolean; afterMs: number } {
  switch (fault.kind) {
    case 'reset':
      return { outcome: { kind: 'error', cachedConnection: cached }, requestSent: true, afterMs: 0 };
    case 'none':
      return { outcome: { kind: 'response', status: 200 }, requestSent: true, afterMs: 0 };
    case 'stopped':
      return { outcome: { kind: 'error', cachedConnection: false }, requestSent: false, afterMs: 0 };
    case 'status':
      return { outcome: { kind: 'response', status: fault.status }, requestSent: true, afterMs: 0 };
    case 'delay':
      if (fault.ms < location.timeouts.readMs) return { outcome: { kind: 'response', status: 200 }, requestSent: true, afterMs: fault.ms };
      return { outcome: { kind: 'timeout' }, requestSent: true, afterMs: location.timeouts.readMs };
    case 'hang':
      return { outcome: { kind: 'timeout' }, requestSent: true, afterMs: location.timeouts.readMs };
  }
}

/**
 * The idle connections of each upstream block's keepalive cache, most recent
 * first, as ngx_http_upstream_keepalive_module.c keeps them. A response read
 * to the end leaves its connection in the cache, and the oldest goes when the
 * cache is full. A pick reuses the newest idle connection to that peer. With
 * the implicit `keepalive 32 local` of nginx 1.29.7+ only connections made
 * for the same location qualify.
 */
class KeepalivePools {
  private readonly caches = new Map<string, { backend: string; pool: string }[]>();
  private readonly settings = new Map<string, { size: number; local: boolean }>();

  constructor(plan: Plan) {
    for (const upstream of plan.upstreams) {
      this.settings.set(upstream.name, { size: upstream.keepalive.connections, local: upstream.keepalive.directive === 'default' });
    }
  }

  /** Takes an idle connection to the backend for this block and location; returns whether there was one. */
  take(block: string, backend: string, pool: string): boolean {
    const setting = this.settings.get(block);
    const cache = this.caches.get(block);
    if (setting === undefined || setting.size === 0 || cache === undefined) return false;

    const index = cache.findIndex((entry) => entry.backend === backend && (!setting.local || entry.pool === pool));
    if (index === -1) return false;
    cache.splice(index, 1);
    return true;
  }

  keep(block: string, backend: string, pool: string): void {
    const setting = this.settings.get(block);
    if (setting === undefined || setting.size === 0) return;

    let cache = this.caches.get(block);
    if (cache === undefined) {
      cache = [];
      this.caches.set(block, cache);
    }
    cache.unshift({ backend, pool });
    if (cache.length > setting.size) cache.pop();
  }

  dropBackend(backend: string): void {
    for (const [block, cache] of this.caches) {
      this.caches.set(
        block,
        cache.filter((entry) => entry.backend !== backend),
      );
    }
  }
}

/** Finds the location with the longest prefix of the path. Recordings use prefix locations only. */
function locationFor(locations: readonly PlanLocation[], path: string): PlanLocation {
  let best: PlanLocation | undefined;
  for (const location of locations) {
    if (location.match !== '' && location.match !== '^~') continue;
    if (path.startsWith(location.path) && (best === undefined || location.path.length > best.path.length)) best = location;
  }
  if (best === undefined) throw new Error(`no location of the recording's Plan matches ${path}`);
  return best;
}

/** Evaluates the request variables a recording's spec may read: `$arg_NAME`, `$request_uri`, `$uri`, `$args` and `$remote_addr`. */
function requestVariable(name: string, path: string, clientAddress: string): string | undefined {
  const question = path.indexOf('?');
  const args = question === -1 ? '' : path.slice(question + 1);
  if (name === '$request_uri') return path;
  if (name === '$uri') return question === -1 ? path : path.slice(0, question);
  if (name === '$args') return args;
  if (name === '$remote_addr') return clientAddress;
  if (!name.startsWith('$arg_')) return undefined;

  // ngx_http_arg(): the first `name=` at the start of the arguments or after `&`, compared without regard to case.
  const wanted = name.slice('$arg_'.length).toLowerCase();
  for (const pair of args.split('&')) {
    const equals = pair.indexOf('=');
    if (equals !== -1 && pair.slice(0, equals).toLowerCase() === wanted) return pair.slice(equals + 1);
  }
  return undefined;
}

/**
 * Finds the seeds nginx's worker may have passed to srandom(): the pid is
 * known from the error log, the second of the worker's start within one
 * second either way, the millisecond anywhere in that second. A seed
 * qualifies when the first `prefix` requests replay without a mismatch.
 */
export function findRecordingSeeds(recording: BalancerRecording, plan: Plan, prefix = 12): number[] {
  const seeds: number[] = [];
  const tried = new Set<number>();
  for (let sec = recording.worker.startSecond - 1; sec <= recording.worker.startSecond + 1; sec++) {
    for (let msec = 0; msec < 1000; msec++) {
      const seed = nginxWorkerSeed(recording.worker.pid, sec, msec);
      if (tried.has(seed)) continue;
      tried.add(seed);

      const attempt = replayRecording(recording, plan, { random: new GlibcRandom(seed), requestLimit: prefix, stopAtFirstMismatch: true });
      if (attempt.mismatches.length === 0) seeds.push(seed);
    }
  }
  return seeds;
}
