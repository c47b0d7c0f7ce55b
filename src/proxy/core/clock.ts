import type { Clock } from './types.js';

/** The process clock, read at each call. */
export const systemClock: Clock = {
  nowSeconds: () => Math.floor(Date.now() / 1000),
  nowMs: () => Date.now(),
};

/** A clock that moves only when set, for tests and for replaying recorded nginx runs. */
export class SimulatedClock implements Clock {
  private ms: number;

  constructor(startMs = 0) {
    this.ms = startMs;
  }

  nowSeconds(): number {
    return Math.floor(this.ms / 1000);
  }

  nowMs(): number {
    return this.ms;
  }

  /** Sets the time in milliseconds since the epoch; time may not go backwards. */
  set(ms: number): void {
    if (ms < this.ms) throw new RangeError(`simulated clock cannot go back from ${this.ms} ms to ${ms} ms`);
    this.ms = ms;
  }

  advance(ms: number): void {
    this.set(this.ms + ms);
  }
}
