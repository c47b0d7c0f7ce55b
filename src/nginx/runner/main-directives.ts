/**
 * Finds the directives a configuration sets in its main context, so that the
 * runner passes with `-g` only what the configuration leaves unset: nginx
 * rejects a directive set both in the file and with `-g` as duplicate.
 */

/**
 * Returns the arguments of the first occurrence of each main-context
 * directive, keyed by name. Comments, quoted strings and blocks are skipped.
 * NOTE: directives that reach the main context through `include` are not seen.
 */
export function findMainDirectives(config: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  let depth = 0;
  let words: string[] = [];

  const endStatement = (): void => {
    const [name, ...args] = words;
    if (depth === 0 && name !== undefined && !directives.has(name)) directives.set(name, args);
    words = [];
  };

  let index = 0;
  while (index < config.length) {
    const character = config[index] as string;

    if (/\s/.test(character)) {
      index += 1;
    } else if (character === '#') {
      const newline = config.indexOf('\n', index);
      index = newline === -1 ? config.length : newline + 1;
    } else if (character === ';') {
      endStatement();
      index += 1;
    } else if (character === '{') {
      words = [];
      depth += 1;
      index += 1;
    } else if (character === '}') {
      words = [];
      depth = Math.max(0, depth - 1);
      index += 1;
    } else if (character === '"' || character === "'") {
      const [word, next] = readQuoted(config, index);
      words.push(word);
      index = next;
    } else {
      const [word, next] = readBare(config, index);
      words.push(word);
      index = next;
    }
  }

  return directives;
}

function readQuoted(config: string, start: number): [string, number] {
  const quote = config[start];
  let word = '';
  let index = start + 1;
  while (index < config.length && config[index] !== quote) {
    if (config[index] === '\\' && index + 1 < config.length) index += 1;
    word += config[index];
    index += 1;
  }
  return [word, index + 1];
}

function readBare(config: string, start: number): [string, number] {
  let index = start;
  // As in nginx's lexer, `#` and quotes inside a word are ordinary characters.
  while (index < config.length && !/[\s;{}]/.test(config[index] as string)) {
    if (config[index] === '\\' && index + 1 < config.length) index += 1;
    index += 1;
  }
  return [config.slice(start, index), index];
}
