/**
 * A progress bar on standard error for long runs. It redraws one line, so it
 * is drawn only when standard error is a terminal; otherwise it writes
 * nothing.
 */

import { countOf } from '../../util/plural.js';

export class ProgressBar {
  private done = 0;
  private label = '';
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly write: (text: string) => void,
    private readonly enabled: boolean,
  ) {}

  /** Sets the text after the bar, such as the scenario that runs. */
  setLabel(label: string): void {
    this.label = label;
    this.draw(true);
  }

  advance(count: number): void {
    this.done += count;
    this.draw(false);
  }

  /** Clears the line, so later output starts at column 0. */
  finish(): void {
    if (this.enabled) this.write('\r\x1b[2K');
  }

  private draw(force: boolean): void {
    if (!this.enabled) return;
    const now = Date.now();
    // At most ten redraws per second.
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;

    const width = 30;
    const ratio = this.total === 0 ? 1 : Math.min(1, this.done / this.total);
    const filled = Math.round(ratio * width);
    this.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.done}/${countOf(this.total, 'request')}  ${this.label}`);
  }
}
