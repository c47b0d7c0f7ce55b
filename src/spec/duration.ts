/**
 * nginx time values (ngx_parse_time() in src/core/ngx_parse.c): a sequence of
 * number-unit pairs such as 1h30m, units ms, s, m, h, d, w, M (30 days) and
 * y (365 days), a bare number meaning seconds. Values are kept in
 * milliseconds.
 */

const unitMs: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000,
  y: 365 * 86_400_000,
};

/** Parses a spec duration into milliseconds; returns undefined when the text is not one. */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value * 1000 : undefined;
  if (!/^(?:\d+(?:ms|s|m|h|d|w|M|y)?)+$/.test(value)) return undefined;

  let total = 0;
  for (const match of value.matchAll(/(\d+)(ms|s|m|h|d|w|M|y)?/g)) {
    total += Number(match[1]) * unitMs[match[2] ?? 's']!;
  }
  return total;
}

/**
 * Formats milliseconds with the largest nginx unit that divides it exactly,
 * among ms, s, m, h and d, so the output is short and parses back to the same
 * value.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = unitMs[unit]!;
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
