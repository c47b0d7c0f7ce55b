/**
 * The decision core for one Plan: a balancer per upstream block with fresh
 * peer state (as nginx has after it loads a config), the learn zones, the
 * route of each spec upstream, and the worker's random() generator. The
 * network side calls startUse() once per request that reaches an upstream.
 */

import { atLeast } from '../../nginx/version.js';
import type { Plan, PlanEmulatedCookie } from '../../plan/types.js';
import { createUpstreamBalancer, type CoreUpstreamBalancer } from './balancer.js';
import { systemClock } from './clock.js';
import { compileComplexValue, type ComplexValue, type VariableLookup } from './complex-value.js';
import { parseCookieLines } from './cookie-lines.js';
import { GlibcRandom, nginxWorkerSeed, type RandomSource } from './glibc-random.js';
import { estimateLearnCapacity, LearnSessions, parseNginxSize } from './learn-sessions.js';
import { compileMap, type CompiledMap } from './map.js';
import type { HostResolver } from './peers.js';
import { StickyRequest, stickyRuntime, type StickyRuntime } from './sticky.js';
import type { Clock, UpstreamUse, UpstreamUseInput } from './types.js';
import { nextUpstreamMask, UpstreamUseImpl } from './upstream-use.js';

export interface ProxyCoreOptions {
  /** Defaults to the system clock. */
  clock?: Clock;
  /** Defaults to glibc's random() seeded as an nginx worker seeds it, from this process's pid and the current time. */
  random?: RandomSource;
  /** Resolves host names of `server` lines; required when the Plan has any. */
  resolve?: HostResolver;
  /**
   * The core of the config before a reload. Learn zones with the same name,
   * size and upstream keep their sessions, as nginx keeps a shared memory zone
   * across a reload. All other state starts fresh.
   */
  previous?: ProxyCore;
}

interface Block {
  readonly balancer: CoreUpstreamBalancer;
  readonly sticky: StickyRuntime | undefined;
  readonly hashKey: ComplexValue | undefined;
}

type Route =
  | { kind: 'direct'; block: Block }
  | { kind: 'emulated'; cookieName: string; emulation: PlanEmulatedCookie; select: CompiledMap; setCookie: CompiledMap };

export class ProxyCore {
  readonly plan: Plan;
  readonly clock: Clock;
  readonly random: RandomSource;
  /** Before 1.29.6 a `,` also separates cookies in `$cookie_NAME`. */
  readonly commaSeparatesCookies: boolean;
  private readonly blocks = new Map<string, Block>();
  /** Learn zones by zone name, with the size text and upstream they were made for. */
  private readonly learnZones = new Map<string, { size: string; upstream: string; sessions: LearnSessions }>();
  private readonly routes = new Map<string, Route>();
  private readonly masks = new WeakMap<object, number>();

  constructor(plan: Plan, options: ProxyCoreOptions = {}) {
    this.plan = plan;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? defaultRandom(this.clock);
    this.commaSeparatesCookies = !atLeast(plan.target.version, '1.29.6');

    for (const upstream of plan.upstreams) {
      const balancer = createUpstreamBalancer(upstream, { clock: this.clock, random: this.random, resolve: options.resolve });
      this.blocks.set(upstream.name, {
        balancer,
        sticky:
          upstream.sticky === undefined
            ? undefined
            : stickyRuntime(upstream.sticky, (zone, timeoutMs) => this.learnZone(zone, timeoutMs, upstream.name, options.previous)),
        hashKey: upstream.balancer.method === 'hash' ? compileComplexValue(upstream.balancer.key) : undefined,
      });
    }

    for (const route of plan.routes) {
      if (route.kind === 'direct') {
        this.routes.set(route.specUpstream, { kind: 'direct', block: this.block(route.upstream) });
        continue;
      }
      const maps = plan.maps;
      const select = maps.find((map) => map.variable === route.emulation.selectVariable);
      const setCookie = maps.find((map) => map.variable === route.emulation.setCookieVariable);
      if (select === undefined || setCookie === undefined) throw new Error(`the Plan lacks the maps of emulated affinity for upstream "${route.specUpstream}"`);
      this.routes.set(route.specUpstream, {
        kind: 'emulated',
        cookieName: route.emulation.cookie.name,
        emulation: route.emulation,
        select: compileMap(select),
        setCookie: compileMap(setCookie),
      });
    }
  }

  /** Returns the balancer of an upstream block by its nginx name. */
  balancer(name: string): CoreUpstreamBalancer {
    return this.block(name).balancer;
  }

  /** Starts one request's use of the upstream its location passes to; call start() on the result. */
  startUse(input: UpstreamUseInput): UpstreamUse {
    const route = this.routes.get(input.location.specUpstream);
    if (route === undefined) throw new Error(`no route for upstream "${input.location.specUpstream}" in the Plan`);

    const lookup: VariableLookup = (name) => this.lookupVariable(input, name);

    let block: Block;
    let routeVariables: Map<string, string> | undefined;
    let emulatedSetCookie: ((upstreamAddr: string) => string) | undefined;
    let setCookieVariable: string | undefined;
    if (route.kind === 'direct') {
      block = route.block;
    } else {
      const chosen = route.select.evaluate(parseCookieLines(input.cookieHeaders, route.cookieName, this.commaSeparatesCookies) ?? '');
      block = this.block(chosen);
      routeVariables = new Map([[route.select.variable, chosen]]);
      emulatedSetCookie = route.setCookie.evaluate;
      setCookieVariable = route.setCookie.variable;
    }

    const hashKey = input.hashKey ?? block.hashKey?.evaluate(lookup);
    const request = block.balancer.startRequest(hashKey === undefined ? input : { clientAddress: input.clientAddress, hashKey });
    return new UpstreamUseImpl({
      clock: this.clock,
      upstream: block.balancer.upstream,
      request,
      sticky: block.sticky === undefined ? undefined : new StickyRequest(block.sticky, lookup, this.clock),
      location: input.location,
      mask: this.maskOf(input.location),
      method: input.method,
      // grpc_pass always streams the request body unbuffered (ngx_http_grpc_handler()).
      unbufferedBody: input.unbufferedBody || input.location.module === 'grpc',
      emulatedSetCookie,
      routeVariables,
      setCookieVariable,
    });
  }

  /** Reuses the previous core's zone when nginx would keep it across a reload, or makes a new one. */
  private learnZone(zone: { name: string; size: string }, timeoutMs: number, upstream: string, previous: ProxyCore | undefined): LearnSessions {
    const previousZone = previous?.learnZones.get(zone.name);
    let sessions: LearnSessions;
    if (previousZone !== undefined && previousZone.size === zone.size && previousZone.upstream === upstream) {
      // The sessions stay, and the new config's timeout applies to them.
      sessions = previousZone.sessions;
      sessions.timeoutMs = timeoutMs;
    } else {
      sessions = new LearnSessions(timeoutMs, estimateLearnCapacity(parseNginxSize(zone.size)));
    }
    this.learnZones.set(zone.name, { size: zone.size, upstream, sessions });
    return sessions;
  }

  private block(name: string): Block {
    const block = this.blocks.get(name);
    if (block === undefined) throw new Error(`no upstream block "${name}" in the Plan`);
    return block;
  }

  /** `$cookie_NAME` is parsed here, as the target nginx version parses it; other variables come from the request. */
  private lookupVariable(input: UpstreamUseInput, name: string): string | undefined {
    if (name.startsWith('$cookie_')) return parseCookieLines(input.cookieHeaders, name.slice('$cookie_'.length), this.commaSeparatesCookies);
    return input.variables(name);
  }

  private maskOf(location: UpstreamUseInput['location']): number {
    let mask = this.masks.get(location);
    if (mask === undefined) {
      mask = nextUpstreamMask(location);
      this.masks.set(location, mask);
    }
    return mask;
  }
}

function defaultRandom(clock: Clock): RandomSource {
  const ms = clock.nowMs();
  return new GlibcRandom(nginxWorkerSeed(process.pid, Math.floor(ms / 1000), ms % 1000));
}
