/**
 * Upstream timeouts armed in one event loop iteration expire together, in
 * the order they were armed, with no I/O callback between them, as timers
 * with the same key do in nginx. Real timers; no assertion on durations.
 */

import { describe, expect, it } from 'vitest';

import { startUpstreamTimeout, type UpstreamTimeout } from '../../../src/proxy/upstream/timers.js';

/** Spins until the wall clock has moved past the next millisecond, so two arms land on different milliseconds. */
function crossMillisecond(): void {
  const start = Date.now();
  while (Date.now() <= start + 1) {
    // busy wait of about 1 to 2 ms
  }
}

function nextIteration(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('upstream timeouts', () => {
  it('fire together when armed in one iteration', async () => {
    const events: string[] = [];
    const done = new Promise<void>((resolve) => {
      startUpstreamTimeout(20, () => {
        events.push('first');
        // An immediate queued here runs only after the callbacks of this turn.
        setImmediate(() => events.push('immediate'));
      });
      crossMillisecond();
      startUpstreamTimeout(20, () => {
        events.push('second');
        resolve();
      });
    });
    await done;
    await nextIteration();

    expect(events).toEqual(['first', 'second', 'immediate']);
  });

  it('skip a timeout cancelled by an earlier one of its group', async () => {
    const events: string[] = [];
    let last: (() => void) | undefined;
    const finished = new Promise<void>((resolve) => {
      last = resolve;
    });
    let second: UpstreamTimeout | undefined;
    startUpstreamTimeout(10, () => {
      events.push('first');
      second?.cancel();
    });
    second = startUpstreamTimeout(10, () => events.push('second'));
    startUpstreamTimeout(10, () => {
      events.push('third');
      last!();
    });
    await finished;

    expect(events).toEqual(['first', 'third']);
  });

  it('never fire once cancelled', async () => {
    const events: string[] = [];
    const timeout = startUpstreamTimeout(5, () => events.push('cancelled'));
    timeout.cancel();
    await new Promise<void>((resolve) => startUpstreamTimeout(30, resolve));

    expect(events).toEqual([]);
  });
});
