/**
 * glibc's random() with the default TYPE_3 state (an additive feedback
 * generator of degree 31 and separation 3), seeded by srandom(). nginx's
 * ngx_random() is random(), and each worker seeds it once in
 * ngx_worker_process_init() (src/os/unix/ngx_process_cycle.c) with
 * `(pid << 16) ^ sec ^ msec` of its cached start time, so a recorded run
 * can be replayed once the worker's pid and start time are known.
 */

/** A source of random() values: integers from 0 to 2^31 - 1. */
export interface RandomSource {
  next(): number;
}

const degree = 31;
const separation = 3;

export class GlibcRandom implements RandomSource {
  private readonly state = new Int32Array(degree);
  private front = separation;
  private rear = 0;

  constructor(seed: number) {
    this.seed(seed);
  }

  /** srandom_r(): the Park-Miller sequence fills the state, then 310 outputs are discarded. */
  seed(seed: number): void {
    let word = seed >>> 0 === 0 ? 1 : seed | 0;
    this.state[0] = word;
    for (let i = 1; i < degree; i++) {
      // state[i] = (16807 * state[i - 1]) % 2147483647, computed as glibc does with C division.
      const hi = Math.trunc(word / 127773);
      const lo = word % 127773;
      word = 16807 * lo - 2836 * hi;
      if (word < 0) word += 2147483647;
      word |= 0;
      this.state[i] = word;
    }

    this.front = separation;
    this.rear = 0;
    for (let i = 0; i < degree * 10; i++) this.next();
  }

  /** random_r(): add the rear word to the front word, return it without its lowest bit. */
  next(): number {
    const value = (this.state[this.front]! + this.state[this.rear]!) | 0;
    this.state[this.front] = value;
    this.front = this.front + 1 === degree ? 0 : this.front + 1;
    this.rear = this.rear + 1 === degree ? 0 : this.rear + 1;
    return (value >>> 0) >>> 1;
  }
}

/** Computes the seed an nginx worker passes to srandom(): `((unsigned) pid << 16) ^ sec ^ msec`, truncated to 32 bits. */
export function nginxWorkerSeed(pid: number, sec: number, msec: number): number {
  const shifted = (pid << 16) >>> 0;
  // sec is a 64-bit time_t; only its low 32 bits reach srandom().
  const low = sec % 0x1_0000_0000;
  return ((shifted ^ low ^ msec) >>> 0);
}
