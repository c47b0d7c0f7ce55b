/**
 * Evaluates `$cookie_NAME` as nginx does (ngx_http_parse_cookie_lines() from
 * 1.29.6, ngx_http_parse_multi_header_lines() before). Cookie lines are read
 * in order, and the first match wins. The name matches without regard to
 * case, and spaces around `=` are skipped. The value runs to the next `;`,
 * with trailing spaces kept. Before 1.29.6 a `,` also ends a skipped pair, so
 * `a=b, srv=x` finds `srv`, but the value still runs to the next `;`.
 */
export function parseCookieLines(lines: readonly string[], name: string, commaSeparates: boolean): string | undefined {
  const nameLength = name.length;

  for (const line of lines) {
    if (nameLength > line.length) continue;

    const end = line.length;
    let start = 0;
    while (start < end) {
      if (matchesIgnoringCase(line, start, name)) {
        let position = start + nameLength;
        while (position < end && line.charCodeAt(position) === space) position++;

        // nginx consumes the character after the name even when it is not `=`,
        // so in `srv;srv=x` the skip starts after the first `;` and finds nothing.
        if (position < end && line.charCodeAt(position++) === equals) {
          while (position < end && line.charCodeAt(position) === space) position++;
          let last = position;
          while (last < end && line.charCodeAt(last) !== semicolon) last++;
          return line.slice(position, last);
        }
        start = position;
      }

      // Skip to just past the next separator, then over spaces.
      while (start < end) {
        const code = line.charCodeAt(start++);
        if (code === semicolon || (commaSeparates && code === comma)) break;
      }
      while (start < end && line.charCodeAt(start) === space) start++;
    }
  }
  return undefined;
}

/**
 * Evaluates `$upstream_cookie_NAME` as ngx_http_parse_set_cookie_lines() does.
 * It reads the first Set-Cookie line of the backend's response that starts
 * with NAME (without regard to case), optional spaces and `=`. The value runs
 * to the next `;`.
 */
export function parseSetCookieLines(lines: readonly string[], name: string): string | undefined {
  for (const line of lines) {
    if (name.length >= line.length || !matchesIgnoringCase(line, 0, name)) continue;

    let position = name.length;
    while (position < line.length && line.charCodeAt(position) === space) position++;
    if (position >= line.length || line.charCodeAt(position) !== equals) continue;

    position++;
    while (position < line.length && line.charCodeAt(position) === space) position++;
    const last = line.indexOf(';', position);
    return line.slice(position, last === -1 ? line.length : last);
  }
  return undefined;
}

const space = 0x20;
const equals = 0x3d;
const semicolon = 0x3b;
const comma = 0x2c;

/** ngx_strncasecmp() over ASCII: nginx folds only A-Z. */
function matchesIgnoringCase(text: string, offset: number, name: string): boolean {
  if (offset + name.length > text.length) return false;
  for (let i = 0; i < name.length; i++) {
    let a = text.charCodeAt(offset + i);
    let b = name.charCodeAt(i);
    if (a >= 0x41 && a <= 0x5a) a += 0x20;
    if (b >= 0x41 && b <= 0x5a) b += 0x20;
    if (a !== b) return false;
  }
  return true;
}
