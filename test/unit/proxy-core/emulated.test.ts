import { describe, expect, it } from 'vitest';

import { compileSpecText } from '../../../src/compile.js';
import type { Plan } from '../../../src/plan/types.js';
import { SimulatedClock } from '../../../src/proxy/core/clock.js';
import { ProxyCore } from '../../../src/proxy/core/core.js';
import { GlibcRandom } from '../../../src/proxy/core/glibc-random.js';
import { stickyId } from '../../../src/plan/peer-name.js';
import type { UpstreamUseInput } from '../../../src/proxy/core/types.js';

const spec = `h2sticky: 1
target: { nginx: "1.22.1" }
upstreams:
  app:
    servers:
      - address: 127.0.0.1:9001
      - address: 127.0.0.1:9002
    affinity: { mode: cookie, name: srv_id, path: / }
servers:
  - listen: [{ port: 8080 }]
    locations:
      - { path: /, upstream: app }
`;

function emulatedCore(): { core: ProxyCore; plan: Plan } {
  const result = compileSpecText(spec, 'emulated.yaml');
  const plan = result.plan!;
  return { core: new ProxyCore(plan, { clock: new SimulatedClock(1_000_000_000), random: new GlibcRandom(1) }), plan };
}

function input(plan: Plan, cookie?: string): UpstreamUseInput {
  return {
    clientAddress: '127.0.0.1',
    method: 'GET',
    cookieHeaders: cookie === undefined ? [] : [cookie],
    variables: () => undefined,
    unbufferedBody: false,
    location: plan.servers[0]!.locations[0]!,
  };
}

const sid2 = stickyId('127.0.0.1:9002');

describe('emulated cookie affinity', () => {
  it('routes a cookie to its pinned block', () => {
    const { core, plan } = emulatedCore();
    const use = core.startUse(input(plan, `srv_id=${sid2}`));
    expect(use.upstream.name).toBe('h2s_app_2');
    expect(use.start()).toMatchObject({ kind: 'attempt', peer: { name: '127.0.0.1:9002' } });
    expect(use.variable('$h2s_app_upstream')).toBe('h2s_app_2');
  });

  it('finds the cookie after a comma before 1.29.6', () => {
    const { core, plan } = emulatedCore();
    expect(core.startUse(input(plan, `a=b, srv_id=${sid2}`)).upstream.name).toBe('h2s_app_2');
    expect(core.startUse(input(plan, `srv_id=${sid2.toUpperCase()}`)).upstream.name).toBe('app');
  });

  it('sets the cookie of the server that answered', () => {
    const { core, plan } = emulatedCore();
    const use = core.startUse(input(plan, `srv_id=${sid2}`));
    use.start();
    // The pinned server refuses; its block falls back to the other server as a backup.
    expect(use.report({ kind: 'error', cachedConnection: false }, false)).toMatchObject({ kind: 'attempt', peer: { name: '127.0.0.1:9001' } });
    use.report({ kind: 'response', status: 200 }, true);
    use.finish();
    expect(use.setCookie()).toBe(`srv_id=${stickyId('127.0.0.1:9001')}; path=/`);
    expect(use.variable('$h2s_app_set_cookie')).toBe(use.setCookie());
  });

  it('sets no cookie when no server was picked', () => {
    const { core, plan } = emulatedCore();
    const block = core.balancer('h2s_app_2');
    for (const peer of [...block.primary, ...block.backup]) {
      // Failed at the current second, so both stay out for fail_timeout.
      peer.fails = 1;
      peer.checked = 1_000_000;
    }
    const use = core.startUse(input(plan, `srv_id=${sid2}`));
    expect(use.start()).toEqual({ kind: 'error', status: 502 });
    expect(use.upstreamAddr()).toBe('h2s_app_2');
    expect(use.setCookie()).toBeUndefined();
  });
});
