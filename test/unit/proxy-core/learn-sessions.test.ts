import { describe, expect, it } from 'vitest';

import { estimateLearnCapacity, LearnSessions, parseNginxSize } from '../../../src/proxy/core/learn-sessions.js';

describe('learn sessions', () => {
  it('creates only from create variables', () => {
    const sessions = new LearnSessions(10_000, 100);
    sessions.learn('s1', false, 'sidA', 0);
    expect(sessions.lookup('s1', 1)).toBeUndefined();
    sessions.learn('s1', true, 'sidA', 0);
    expect(sessions.lookup('s1', 1)).toBe('sidA');
  });

  it('moves a session to the new server', () => {
    const sessions = new LearnSessions(10_000, 100);
    sessions.learn('s1', true, 'sidA', 0);
    sessions.learn('s1', false, 'sidB', 5);
    expect(sessions.lookup('s1', 6)).toBe('sidB');
  });

  it('expires at last plus timeout', () => {
    const sessions = new LearnSessions(10_000, 100);
    sessions.learn('s1', true, 'sidA', 1_000);
    expect(sessions.lookup('s1', 10_999)).toBe('sidA');
    expect(sessions.lookup('s1', 11_000)).toBeUndefined();
  });

  it('does not refresh on lookup', () => {
    const sessions = new LearnSessions(10_000, 100);
    sessions.learn('s1', true, 'sidA', 0);
    expect(sessions.lookup('s1', 9_000)).toBe('sidA');
    expect(sessions.lookup('s1', 10_000)).toBeUndefined();
  });

  it('evicts the oldest when full', () => {
    const sessions = new LearnSessions(60_000, 2);
    sessions.learn('s1', true, 'sidA', 0);
    sessions.learn('s2', true, 'sidB', 1);
    sessions.learn('s1', false, 'sidA', 2);
    sessions.learn('s3', true, 'sidC', 3);
    expect(sessions.lookup('s2', 4)).toBeUndefined();
    expect(sessions.lookup('s1', 4)).toBe('sidA');
    expect(sessions.lookup('s3', 4)).toBe('sidC');
  });

  it('estimates about 4000 sessions per megabyte', () => {
    expect(estimateLearnCapacity(parseNginxSize('1m'))).toBe(4032);
    expect(estimateLearnCapacity(parseNginxSize('32k'))).toBeGreaterThan(0);
    expect(parseNginxSize('64k')).toBe(65_536);
  });
});
