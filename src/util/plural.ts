/** Formats a count with its noun, singular for exactly one: `1 request`, `0 requests`, `2 requests`. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
