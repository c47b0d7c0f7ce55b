/**
 * `$cookie_NAME` as nginx reads it from the Cookie header lines
 * (ngx_http_parse_multi_header_lines() before 1.29.6,
 * ngx_http_parse_cookie_lines() from 1.29.6 on).
 */

/**
 * Finds the value of cookie `name` in the Cookie header lines. The name is
 * compared without regard to case, the first match wins, spaces after the
 * name and after "=" are skipped, and trailing spaces stay in the value.
 * From nginx 1.29.6 only ";" separates cookies; before, a "," also ends the
 * part that is skipped, although the value itself still runs to the next ";".
 */
export function findCookie(lines: readonly string[], name: string, splitOnComma: boolean): string | undefined {
  const wanted = name.toLowerCase();
  for (const line of lines) {
    if (name.length > line.length) continue;
    const found = findInLine(line, wanted, splitOnComma);
    if (found !== undefined) return found;
  }
  return undefined;
}

function findInLine(line: string, wanted: string, splitOnComma: boolean): string | undefined {
  const end = line.length;
  let start = 0;
  while (start < end) {
    if (line.slice(start, start + wanted.length).toLowerCase() === wanted) {
      let position = start + wanted.length;
      while (position < end && line.charCodeAt(position) === 0x20) position++;
      if (position < end && line[position] === '=') {
        position++;
        while (position < end && line.charCodeAt(position) === 0x20) position++;
        let last = position;
        while (last < end && line[last] !== ';') last++;
        return line.slice(position, last);
      }
      start = position;
    }

    // Skip to just past the next separator, then past spaces.
    while (start < end) {
      const character = line[start++];
      if (character === ';' || (splitOnComma && character === ',')) break;
    }
    while (start < end && line.charCodeAt(start) === 0x20) start++;
  }
  return undefined;
}
