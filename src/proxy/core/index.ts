/**
 * The reference proxy's decision core: balancers, sticky affinity and nginx's
 * retry rules, with no I/O. Start with `new ProxyCore(plan)` and call
 * `startUse()` for each request that reaches an upstream.
 */

export type * from './types.js';
export { ProxyCore } from './core.js';
export type { ProxyCoreOptions } from './core.js';
export { createUpstreamBalancer } from './balancer.js';
export type { BalancerOptions, CoreUpstreamBalancer } from './balancer.js';
export { SimulatedClock, systemClock } from './clock.js';
export { parseCookieLines, parseSetCookieLines } from './cookie-lines.js';
export { GlibcRandom, nginxWorkerSeed } from './glibc-random.js';
export type { RandomSource } from './glibc-random.js';
export type { HostResolver, PeerList } from './peers.js';
export { findRecordingSeeds, replayRecording } from './replay.js';
export type { BalancerRecording, RecordingEvent, ReplayFault, ReplayMismatch, ReplayResult } from './replay.js';
