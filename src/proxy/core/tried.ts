/**
 * The peers one request has tried in the current list (nginx's `rrp->tried`
 * bitmap), by index in the list. Up to 32 peers fit in one number, so the
 * common case allocates nothing beyond the request object.
 */
export class TriedSet {
  private low = 0;
  private readonly high: Uint32Array | undefined;

  constructor(size: number) {
    this.high = size > 32 ? new Uint32Array(Math.ceil(size / 32)) : undefined;
  }

  has(index: number): boolean {
    if (this.high === undefined) return (this.low & (1 << index)) !== 0;
    return (this.high[index >>> 5]! & (1 << (index & 31))) !== 0;
  }

  add(index: number): void {
    if (this.high === undefined) {
      this.low |= 1 << index;
      return;
    }
    this.high[index >>> 5]! |= 1 << (index & 31);
  }

  clear(): void {
    this.low = 0;
    this.high?.fill(0);
  }
}
