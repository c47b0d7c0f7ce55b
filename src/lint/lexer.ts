/**
 * A lexer for nginx configuration text that follows `ngx_conf_read_token()`
 * in nginx's src/core/ngx_conf_file.c (1.22 to 1.31):
 *
 * - a word ends at white space, `;` or `{`, except that `{` right after `$`
 *   belongs to the word (`${name}`); `}` ends nothing inside a word;
 * - `;`, `{`, `}`, `#`, `"` and `'` are special only where a token starts;
 * - a backslash protects the next character. When the value is built,
 *   `\"`, `\'`, `\\`, `\t`, `\r` and `\n` are unescaped, and any other `\x`
 *   is kept as written;
 * - after a closing quote the next character must be white space, `;`, `{`
 *   or `)`.
 *
 * It walks the string by char code and tracks line and column as it goes,
 * because it runs over configurations of millions of bytes.
 */

export const TokenKind = {
  endOfFile: 0,
  word: 1,
  semicolon: 2,
  blockStart: 3,
  blockEnd: 4,
  error: 5,
} as const;

export type TokenKindValue = (typeof TokenKind)[keyof typeof TokenKind];

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const DOUBLE_QUOTE = 34;
const HASH = 35;
const DOLLAR = 36;
const SINGLE_QUOTE = 39;
const RIGHT_PAREN = 41;
const HYPHEN = 45;
const SEMICOLON = 59;
const EQUALS = 61;
const LEFT_BRACKET = 91;
const BACKSLASH = 92;
const LEFT_BRACE = 123;
const RIGHT_BRACE = 125;

function isSpace(code: number): boolean {
  return code === SPACE || code === LF || code === TAB || code === CR;
}

/** Receives each comment the lexer passes over. */
export type CommentSink = (text: string, line: number, column: number, trailing: boolean) => void;

/** Words longer than this are not looked up in the word cache; long words rarely repeat. */
const maxCachedWordLength = 64;
/** A word cache has 2 ** wordCacheBits slots; the top bits of a word's mixed hash pick its slot. */
const wordCacheBits = 12;

/**
 * A cache of the words a lexer read, so that a word that repeats (directive
 * names, `$host`, `on`, `30s`) is one string instead of a new one per token.
 * The 100,000-line benchmark configuration has about 205,000 words, of which
 * about 21,000 are distinct, and every string less is memory that the garbage
 * collector does not copy. Each slot keeps the last word whose hash picked
 * it. Several lexers may share one cache, such as one per included file.
 */
export class WordCache {
  readonly slots: (string | undefined)[] = new Array<string | undefined>(2 ** wordCacheBits).fill(undefined);
}

/**
 * Reads one token per `next()` call. The token's text and position are in
 * the public fields until the next call.
 */
export class Lexer {
  readonly source: string;
  private position = 0;
  private currentLine = 1;
  private lineStart = 0;
  /** Line of the last token that was not a comment, to tell trailing comments apart. */
  private lastTokenLine = 0;
  private readonly onComment: CommentSink | undefined;
  private readonly wordCache: (string | undefined)[];

  /** The word's value after unescaping; empty for punctuation. */
  value = '';
  /** True when the word was written in quotes. */
  quoted = false;
  line = 1;
  column = 1;
  /** For `TokenKind.error`: a stable code and nginx's message without the location. */
  errorCode = '';
  errorMessage = '';

  /** Offset in `source` just past the last token read. */
  get offset(): number {
    return this.position;
  }

  constructor(source: string, onComment?: CommentSink, wordCache: WordCache = new WordCache()) {
    // A byte order mark is not part of the first directive name.
    this.source = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
    this.onComment = onComment;
    this.wordCache = wordCache.slots;
  }

  next(): TokenKindValue {
    const source = this.source;
    const length = source.length;

    for (;;) {
      // The character tests are written out in the hot loops, because a call per character is slow before the JIT warms up.
      let position = this.position;
      while (position < length) {
        const code = source.charCodeAt(position);
        if (code === LF) {
          this.currentLine++;
          this.lineStart = position + 1;
        } else if (code !== SPACE && code !== TAB && code !== CR) break;
        position++;
      }
      this.position = position;

      if (position >= length) {
        this.markStart(position);
        return TokenKind.endOfFile;
      }

      const code = source.charCodeAt(position);
      this.markStart(position);

      if (code === HASH) {
        this.skipComment();
        continue;
      }

      this.lastTokenLine = this.currentLine;
      this.value = '';
      this.quoted = false;

      if (code === SEMICOLON) {
        this.position++;
        return TokenKind.semicolon;
      }
      if (code === LEFT_BRACE) {
        this.position++;
        return TokenKind.blockStart;
      }
      if (code === RIGHT_BRACE) {
        this.position++;
        return TokenKind.blockEnd;
      }
      if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) return this.readQuoted(code);
      return this.readWord();
    }
  }

  private markStart(position: number): void {
    this.line = this.currentLine;
    this.column = position - this.lineStart + 1;
  }

  private skipComment(): void {
    const source = this.source;
    const start = this.position + 1;
    let end = source.indexOf('\n', start);
    if (end === -1) end = source.length;
    if (this.onComment) {
      const textEnd = end > start && source.charCodeAt(end - 1) === CR ? end - 1 : end;
      this.onComment(source.slice(start, textEnd), this.line, this.column, this.lastTokenLine === this.currentLine);
    }
    this.position = end;
  }

  private readWord(): TokenKindValue {
    const source = this.source;
    const length = source.length;
    const start = this.position;
    let position = start;
    let escaped = false;
    let afterDollar = false;
    let hash = 0;

    while (position < length) {
      const code = source.charCodeAt(position);
      if (code === BACKSLASH) {
        escaped = true;
        afterDollar = false;
        position++;
        if (position < length) {
          if (source.charCodeAt(position) === LF) {
            this.currentLine++;
            this.lineStart = position + 1;
          }
          position++;
        }
        continue;
      }
      if (code === LEFT_BRACE && afterDollar) {
        afterDollar = false;
        position++;
        continue;
      }
      if (code === SPACE || code === LF || code === SEMICOLON || code === LEFT_BRACE || code === TAB || code === CR) break;
      afterDollar = code === DOLLAR;
      hash = (Math.imul(hash, 31) + code) | 0;
      position++;
    }

    this.position = position;
    this.value = escaped ? unescape(source, start, position) : this.cachedWord(start, position, hash);
    return TokenKind.word;
  }

  private readQuoted(quote: number): TokenKindValue {
    const source = this.source;
    const length = source.length;
    const start = this.position + 1;
    let position = start;
    let escaped = false;
    let hash = 0;

    while (position < length) {
      const code = source.charCodeAt(position);
      if (code === BACKSLASH) {
        escaped = true;
        position += 2;
        if (position - 1 < length && source.charCodeAt(position - 1) === LF) {
          this.currentLine++;
          this.lineStart = position;
        }
        continue;
      }
      if (code === LF) {
        this.currentLine++;
        this.lineStart = position + 1;
      }
      if (code === quote) break;
      hash = (Math.imul(hash, 31) + code) | 0;
      position++;
    }

    if (position >= length) {
      this.position = length;
      return this.fail('unexpected-end-of-file', 'unexpected end of file, expecting ";" or "}"');
    }

    this.value = escaped ? unescape(source, start, position) : this.cachedWord(start, position, hash);
    this.quoted = true;
    this.position = position + 1;

    // nginx requires a separator after a closing quote; `)` is allowed so that `if ($a = "b")` works.
    if (this.position < length) {
      const following = source.charCodeAt(this.position);
      if (!isSpace(following) && following !== SEMICOLON && following !== LEFT_BRACE && following !== RIGHT_PAREN) {
        const line = this.currentLine;
        const column = this.position - this.lineStart + 1;
        const result = this.fail('unexpected-character', `unexpected "${String.fromCharCode(following)}"`);
        this.line = line;
        this.column = column;
        return result;
      }
    }
    return TokenKind.word;
  }

  /** Returns `source[start, end)`, as the cached string when the same word was read before. `hash` is computed over its characters. */
  private cachedWord(start: number, end: number, hash: number): string {
    const wordLength = end - start;
    if (wordLength > maxCachedWordLength) return this.source.slice(start, end);

    // Fibonacci hashing: multiplying by 2^32 divided by the golden ratio spreads similar hashes over the top bits.
    const slot = Math.imul(hash, 0x9e3779b1) >>> (32 - wordCacheBits);
    const cached = this.wordCache[slot];
    if (cached !== undefined && cached.length === wordLength && this.source.startsWith(cached, start)) return cached;

    const word = this.source.slice(start, end);
    this.wordCache[slot] = word;
    return word;
  }

  private fail(code: string, message: string): TokenKindValue {
    this.errorCode = code;
    this.errorMessage = message;
    return TokenKind.error;
  }

  /**
   * Reads the body of a `*_by_lua_block` after its `{` and returns it without
   * the outer braces, or undefined when the file ends first. Lua strings,
   * long strings and comments may contain unbalanced braces, so they are
   * skipped as Lua reads them.
   */
  readLuaBody(): string | undefined {
    const source = this.source;
    const length = source.length;
    const start = this.position;
    let position = start;
    let depth = 1;

    while (position < length) {
      const code = source.charCodeAt(position);

      if (code === LF) {
        this.currentLine++;
        this.lineStart = position + 1;
        position++;
      } else if (code === LEFT_BRACE) {
        depth++;
        position++;
      } else if (code === RIGHT_BRACE) {
        depth--;
        if (depth === 0) {
          this.position = position + 1;
          this.lastTokenLine = this.currentLine;
          return source.slice(start, position);
        }
        position++;
      } else if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
        position = this.skipLuaString(position, code);
      } else if (code === HYPHEN && source.charCodeAt(position + 1) === HYPHEN) {
        position = this.skipLuaComment(position + 2);
      } else if (code === LEFT_BRACKET && this.longBracketLevel(position) >= 0) {
        position = this.skipLongBracket(position);
      } else {
        position++;
      }
    }

    this.position = length;
    return undefined;
  }

  private skipLuaString(position: number, quote: number): number {
    const source = this.source;
    let index = position + 1;
    while (index < source.length) {
      const code = source.charCodeAt(index);
      if (code === BACKSLASH) {
        index += 2;
        continue;
      }
      if (code === quote || code === LF) return index + 1;
      index++;
    }
    return index;
  }

  private skipLuaComment(position: number): number {
    if (this.source.charCodeAt(position) === LEFT_BRACKET && this.longBracketLevel(position) >= 0) {
      return this.skipLongBracket(position);
    }
    const end = this.source.indexOf('\n', position);
    return end === -1 ? this.source.length : end;
  }

  /** Returns the level of a Lua long bracket opening at `position` (`[[` is 0, `[=[` is 1), or -1. */
  private longBracketLevel(position: number): number {
    let index = position + 1;
    while (this.source.charCodeAt(index) === EQUALS) index++;
    return this.source.charCodeAt(index) === LEFT_BRACKET ? index - position - 1 : -1;
  }

  private skipLongBracket(position: number): number {
    const level = this.longBracketLevel(position);
    const closing = `]${'='.repeat(level)}]`;
    const end = this.source.indexOf(closing, position + level + 2);
    const stop = end === -1 ? this.source.length : end + closing.length;
    for (let index = position; index < stop; index++) {
      if (this.source.charCodeAt(index) === LF) {
        this.currentLine++;
        this.lineStart = index + 1;
      }
    }
    return stop;
  }
}

/** Builds a word's value from `source[start, end)`, unescaping the sequences nginx unescapes. */
function unescape(source: string, start: number, end: number): string {
  let result = '';
  let copyFrom = start;
  for (let index = start; index < end; index++) {
    if (source.charCodeAt(index) !== BACKSLASH || index + 1 >= end) continue;
    const next = source.charCodeAt(index + 1);
    let replacement: string | undefined;
    if (next === DOUBLE_QUOTE || next === SINGLE_QUOTE || next === BACKSLASH) replacement = String.fromCharCode(next);
    else if (next === 116) replacement = '\t';
    else if (next === 114) replacement = '\r';
    else if (next === 110) replacement = '\n';
    if (replacement === undefined) {
      index++;
      continue;
    }
    result += source.slice(copyFrom, index) + replacement;
    index++;
    copyFrom = index + 1;
  }
  return result + source.slice(copyFrom, end);
}
