/**
 * Replays every recording of real nginx in fixtures/recordings through the
 * decision core with a simulated clock; every decision must match exactly.
 * Random balancers first search the worker's random() seed from its pid and
 * start time, using the first requests, then must match on all the others.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { compileSpecText } from '../../../src/compile.js';
import { GlibcRandom } from '../../../src/proxy/core/glibc-random.js';
import { findRecordingSeeds, replayRecording, type BalancerRecording } from '../../../src/proxy/core/replay.js';

const root = 'fixtures/recordings';

const recordings: { file: string; recording: BalancerRecording }[] = readdirSync(root)
  .sort()
  .flatMap((version) =>
    readdirSync(join(root, version))
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => ({ file: `${version}/${file}`, recording: JSON.parse(readFileSync(join(root, version, file), 'utf8')) as BalancerRecording })),
  );

describe('nginx recordings', () => {
  it('cover every balancer on 1.30, 1.26 and 1.22', () => {
    const names = recordings.map(({ file }) => file.replace(/^(\d+\.\d+)\.\d+\//, '$1/').replace(/\.json$/, ''));
    for (const balancer of ['round_robin', 'least_conn', 'ip_hash', 'hash', 'hash_consistent', 'random', 'random_two', 'keepalive', 'sticky_cookie', 'sticky_least_conn', 'sticky_hash']) {
      for (const line of ['1.30', '1.26', '1.22']) expect(names).toContain(`${line}/${balancer}`);
    }
    expect(names).toContain('1.30/sticky_route');
    expect(names).toContain('1.30/sticky_learn');
  });

  for (const { file, recording } of recordings) {
    it(`replay ${file}`, () => {
      const compiled = compileSpecText(recording.specText, `${recording.balancer}.yaml`);
      expect(compiled.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
      const plan = compiled.plan!;

      let random: GlibcRandom | undefined;
      if (recording.balancer.startsWith('random')) {
        const seeds = findRecordingSeeds(recording, plan);
        expect(seeds.length).toBeGreaterThan(0);
        random = new GlibcRandom(seeds[0]!);
      }

      const result = replayRecording(recording, plan, random === undefined ? {} : { random });
      expect(result.mismatches.slice(0, 5)).toEqual([]);
      expect(result.decisions).toBeGreaterThanOrEqual(200);
    });
  }
});
