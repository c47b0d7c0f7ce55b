import type { PlanMap } from '../../plan/types.js';
import { compilePcre } from './pcre.js';

/** A Plan map ready to evaluate: its exact keys in a hash and its regexes compiled once. */
export interface CompiledMap {
  readonly source: string;
  readonly variable: string;
  evaluate(value: string): string;
}

/**
 * Compiles a `map` block as ngx_http_map_find() evaluates it. Exact keys are
 * compared with the lowercased value, because nginx stores map keys
 * lowercased. Then the regexes are tried in order, but only for a non-empty
 * value. The default applies when nothing matches.
 */
export function compileMap(map: PlanMap): CompiledMap {
  const exact = new Map<string, string>();
  const regexes: { regex: RegExp; value: string }[] = [];
  for (const entry of map.entries) {
    if (entry.regex) regexes.push({ regex: compilePcre(entry.match), value: entry.value });
    else if (!exact.has(asciiLowercase(entry.match))) exact.set(asciiLowercase(entry.match), entry.value);
  }

  return {
    source: map.source,
    variable: map.variable,
    evaluate(value: string): string {
      const found = exact.get(asciiLowercase(value));
      if (found !== undefined) return found;
      if (value.length > 0) {
        for (const { regex, value: result } of regexes) if (regex.test(value)) return result;
      }
      return map.defaultValue;
    },
  };
}

/** ngx_hash_strlow(): only A-Z change, so Latin-1 letters keep their case as they do in nginx. */
function asciiLowercase(text: string): string {
  return /[A-Z]/.test(text) ? text.replace(/[A-Z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) + 0x20)) : text;
}
