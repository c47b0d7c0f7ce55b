/**
 * Records a short scripted run on real nginx and replays it through the
 * decision core at once, which tests the recording pipeline itself. nginx
 * 1.22 (local binary or image) runs emulated sticky cookies, and nginx 1.29.6
 * or later (image) runs native ones.
 */

import { describe, expect, it } from 'vitest';

import { compileSpecText } from '../../src/compile.js';
import { featureLevels } from '../../src/nginx/runner/images.js';
import { replayRecording, type BalancerRecording } from '../../src/proxy/core/replay.js';
import { record, recoveryMs, scenarios, type Driver, type Line, type Scenario } from '../../scripts/record-balancers.js';
import { findLocalNginx, findNginxImageSource, useOrSkip, type Availability } from '../helpers/environment.js';
import { readNginxBuildInfo } from '../../src/nginx/runner/executor.js';
import type { NginxSource } from '../../src/nginx/runner/source.js';

/** Runs a shorter sticky-cookie script: a bound client, failing servers, recovery and retries. */
async function shortScript(d: Driver): Promise<void> {
  let jar: string | undefined;
  const next = async (path = '/') => {
    const response = await d.send({ path, ...(jar !== undefined ? { cookie: `srv_id=${jar}` } : {}) });
    jar = d.cookieValue(response, 'srv_id') ?? jar;
  };

  for (let i = 0; i < 12; i++) await next();
  await d.fault(0, { kind: 'stopped' });
  await d.fault(1, { kind: 'stopped' });
  for (let i = 0; i < 8; i++) await next();
  await d.fault(0, { kind: 'none' });
  await d.fault(1, { kind: 'none' });
  await d.wait(recoveryMs);
  await d.fault(2, { kind: 'status', status: 502 });
  for (let i = 0; i < 8; i++) await next('/retry/');
  for (let i = 0; i < 8; i++) await d.send({});
}

const sticky = scenarios.find((scenario) => scenario.name === 'sticky_cookie')!;
const short: Scenario = { ...sticky, name: 'sticky_cookie_short', script: shortScript };

/** Counts requests that nginx answered in a later second than the one they were sent in (this script has no timeouts). */
function lateRequests(recording: BalancerRecording): number {
  let late = 0;
  for (const event of recording.events) {
    if (event.type === 'request' && Math.floor(Number(event.response.msec)) !== Math.floor(event.atMs / 1000)) late++;
  }
  return late;
}

async function findSource(line: Line): Promise<Availability<NginxSource>> {
  if (line === '1.22') {
    const local = await findLocalNginx();
    if (local.available && (await readNginxBuildInfo(local.value)).version.startsWith('1.22.')) return local;
    return findNginxImageSource(featureLevels.listenHttp2);
  }
  return findNginxImageSource(featureLevels.nativeSticky);
}

describe('live nginx recording', () => {
  for (const line of ['1.22', '1.30'] as const) {
    it(`replays a fresh ${line} run`, async (context) => {
      const source = useOrSkip(context, await findSource(line));

      // A loaded machine can delay a request into the next second, which
      // changes nginx's whole-second decisions. Such a run is recorded again,
      // at most twice, and only when nginx's own clock shows the delay.
      let recording = await record(short, line, source);
      for (let attempt = 0; attempt < 2 && lateRequests(recording) > 0; attempt++) recording = await record(short, line, source);
      expect(lateRequests(recording)).toBe(0);

      const requests = recording.events.filter((event) => event.type === 'request');
      expect(requests.length).toBe(36);

      const compiled = compileSpecText(recording.specText, 'live.yaml');
      const result = replayRecording(recording, compiled.plan!);
      expect(result.mismatches).toEqual([]);
      expect(result.requests).toBe(36);
    });
  }
});
