/**
 * Measures the decision core's cost per request: startUse(), start(), one
 * 200 response and finish(), for each balancing method and for native sticky
 * cookies, on a Plan compiled from a spec with three servers.
 *
 * Run: npx vitest bench --run bench/proxy-core.bench.ts
 */

import { bench, describe } from 'vitest';

import { compileSpecText } from '../src/compile.js';
import type { Plan } from '../src/plan/types.js';
import { ProxyCore } from '../src/proxy/core/core.js';
import type { UpstreamUseInput } from '../src/proxy/core/types.js';

const balances: Record<string, string> = {
  round_robin: 'balance: round_robin',
  least_conn: 'balance: least_conn',
  ip_hash: 'balance: ip_hash',
  hash: 'balance: { method: hash, key: "$arg_k" }',
  hash_consistent: 'balance: { method: hash, key: "$arg_k", consistent: true }',
  random_two: 'balance: { method: random, two: true }',
  sticky_cookie: 'affinity: { mode: cookie, name: srv, expires: 1h, path: / }',
};

function planFor(balance: string): Plan {
  const text = `h2sticky: 1
target: { nginx: "1.30.6" }
upstreams:
  app:
    ${balance}
    servers:
      - { address: "127.0.0.1:9001", weight: 2 }
      - { address: "127.0.0.1:9002" }
      - { address: "127.0.0.1:9003" }
servers:
  - listen: [{ port: 8080 }]
    locations:
      - { path: /, upstream: app }
`;
  const result = compileSpecText(text, 'bench.yaml');
  if (result.plan === undefined) throw new Error(result.problems.map((problem) => problem.message).join('; '));
  return result.plan;
}

describe('decision core, one request with a 200 response', () => {
  for (const [name, balance] of Object.entries(balances)) {
    const plan = planFor(balance);
    const core = new ProxyCore(plan);
    const location = plan.servers[0]!.locations[0]!;
    const sid = core.balancer('app').primary[1]!.sid;
    let counter = 0;
    const input = (): UpstreamUseInput => ({
      clientAddress: `10.0.${counter % 200}.1`,
      method: 'GET',
      cookieHeaders: counter % 2 === 0 ? [`a=1; srv=${sid}`] : [],
      variables: (variable) => (variable === '$arg_k' ? `user${counter % 1000}` : undefined),
      unbufferedBody: false,
      location,
    });

    bench(name, () => {
      counter++;
      const use = core.startUse(input());
      use.start();
      use.report({ kind: 'response', status: 200 }, true);
      use.finish();
      use.upstreamAddr();
      use.upstreamStatus();
      use.setCookie();
    });
  }
});
