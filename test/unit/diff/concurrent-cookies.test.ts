/**
 * Cookies that concurrent streams set are stored in the order the scenario
 * lists the streams, not in the order the responses arrive. The first stream
 * goes to a slow backend, so its response arrives last; the next request
 * must still carry the cookie of the second stream. Both sides are the real
 * reference proxy on loopback, so the test needs no nginx.
 */

import { describe, expect, it } from 'vitest';

import { loadScenarioText } from '../../../src/diff/scenario/load.js';
import { InProcessProxy } from '../../../src/diff/proxy-server.js';
import { DiffSession } from '../../../src/diff/session.js';
import type { SpecDocument } from '../../../src/spec/types.js';

const scenarioText = `
h2sticky-scenario: 1
name: concurrent-cookie-order
spec:
  h2sticky: 1
  target: { nginx: "1.30.6" }
  upstreams:
    app:
      servers:
        - { address: 10.0.0.1:8080 }
        - { address: 10.0.0.2:8080 }
      affinity: { mode: cookie, name: srv_id, path: / }
  servers:
    - listen: [{ port: 8080, http2: true }]
      locations: [{ path: /, upstream: app }]
clients:
  alice:
    connections:
      main: { protocol: h2c }
steps:
  - backend: { name: app.1, action: delay, delay: 400ms }
  - streams:
      requests:
        - { path: /slow, expect: { backend: app.1, cookie: app.1 } }
        - { path: /fast, expect: { backend: app.2, cookie: app.2 } }
  - backend: { name: app.1, action: heal }
  - request: { path: /after, expect: { backend: app.2 } }
`;

describe('concurrent stream cookies', () => {
  it('are stored in request order', { timeout: 30_000 }, async () => {
    const loaded = loadScenarioText(scenarioText, 'concurrent-cookie-order.yaml');
    expect(loaded.problems).toEqual([]);
    const scenario = loaded.scenario!;
    const document = (scenario.spec as { document: SpecDocument }).document;

    const session = new DiffSession({ nginxVersion: '1.30.6', servers: [new InProcessProxy(), new InProcessProxy()], explained: [] });
    try {
      const result = await session.run(scenario, { document, fileName: 'inline spec' });
      const streams = result.steps[1]!.requests;
      const after = result.steps[3]!.requests[0]!;

      expect(result.problems).toEqual([]);
      // The slow stream's response arrives last, after the fast one's.
      expect(streams.map((request) => request.observations[0].backend)).toEqual(['app.1', 'app.2']);
      expect(after.expectationFailures).toEqual([]);
      expect(after.observations[0].backend).toBe('app.2');
      expect(after.observations[1].backend).toBe('app.2');
      expect(result.status).toBe('passed');
    } finally {
      await session.close();
    }
  });
});
