/**
 * A small quote-aware scan of nginx configuration text for tests: it counts
 * directives (words ended by `;`) and blocks (`{`), so a test can tell whether
 * a value added structure. nginx's own tokenizer rules apply: quotes with `\`
 * escapes, `#` comments at the start of a word.
 */
export function countStructure(config: string): { directives: number; blocks: number; closes: number } {
  let directives = 0;
  let blocks = 0;
  let closes = 0;
  let quote: string | undefined;
  let wordStart = true;

  for (let index = 0; index < config.length; index++) {
    const character = config[index]!;
    if (quote !== undefined) {
      if (character === '\\') index++;
      else if (character === quote) quote = undefined;
      continue;
    }
    if (character === '#' && wordStart) {
      while (index < config.length && config[index] !== '\n') index++;
      wordStart = true;
      continue;
    }
    if (character === '"' || character === "'") {
      quote = character;
      wordStart = false;
      continue;
    }
    if (character === '\\') {
      index++;
      wordStart = false;
      continue;
    }
    if (character === ';') directives++;
    if (character === '{') blocks++;
    if (character === '}') closes++;
    wordStart = character === ' ' || character === '\t' || character === '\n' || character === '\r' || character === ';' || character === '{' || character === '}';
  }
  return { directives, blocks, closes };
}
