/**
 * Quoting of values for nginx configuration files. nginx's tokenizer
 * (ngx_conf_read_token() in src/core/ngx_conf_file.c) ends a bare word at
 * white space, `;`, `{` or `}`, starts quoted strings at `"` or `'`, treats
 * `#` at the start of a word as a comment and `\` as an escape. Inside double
 * quotes, `\"` and `\\` stand for `"` and `\`. Other characters are literal,
 * except that `$` still starts a variable where the directive accepts them.
 */

/** Raised when a value that validation should have rejected reaches the renderer. */
export class UnsafeValueError extends Error {
  constructor(value: string, reason: string) {
    super(`refusing to write ${JSON.stringify(value)} into nginx configuration: ${reason}`);
    this.name = 'UnsafeValueError';
  }
}

const controlCharacter = /[\x00-\x1f\x7f]/;
const needsQuotes = /[\s;{}"'\\#]|^$/;

/** Returns the value as one nginx argument, quoted only when it must be. */
export function nginxArgument(value: string): string {
  if (controlCharacter.test(value)) throw new UnsafeValueError(value, 'control characters such as newlines are not allowed');
  if (!needsQuotes.test(value)) return value;
  return nginxQuoted(value);
}

/** Returns the value in double quotes with `"` and `\` escaped. */
export function nginxQuoted(value: string): string {
  if (controlCharacter.test(value)) throw new UnsafeValueError(value, 'control characters such as newlines are not allowed');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Keys with a special meaning inside a map block; a literal key with one of these names needs a leading backslash. */
const reservedMapKeys = new Set(['default', 'hostnames', 'include', 'volatile']);

/** Returns a map key: a regex as `~pattern`, or a literal string. */
export function mapKey(match: string, regex: boolean): string {
  if (regex) return nginxQuoted(`~${match}`);
  if (reservedMapKeys.has(match) || match.startsWith('~') || match.startsWith('\\')) return nginxArgument(`\\${match}`);
  return nginxArgument(match);
}
