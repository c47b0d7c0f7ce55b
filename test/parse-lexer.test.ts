import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { Lexer, TokenKind, WordCache, type TokenKindValue } from '../src/lint/lexer.js';

interface Token {
  kind: TokenKindValue;
  value: string;
  line: number;
  column: number;
  quoted: boolean;
}

function tokens(source: string): Token[] {
  const lexer = new Lexer(source);
  const result: Token[] = [];
  for (let kind = lexer.next(); kind !== TokenKind.endOfFile; kind = lexer.next()) {
    result.push({ kind, value: kind === TokenKind.error ? lexer.errorMessage : lexer.value, line: lexer.line, column: lexer.column, quoted: lexer.quoted });
    if (kind === TokenKind.error) break;
  }
  return result;
}

function words(source: string): string[] {
  return tokens(source)
    .filter((token) => token.kind === TokenKind.word)
    .map((token) => token.value);
}

function lexWords(source: string, cache: WordCache): string[] {
  const lexer = new Lexer(source, undefined, cache);
  const result: string[] = [];
  for (let kind = lexer.next(); kind !== TokenKind.endOfFile; kind = lexer.next()) if (kind === TokenKind.word) result.push(lexer.value);
  return result;
}

/** Words from a small alphabet, so that many distinct words have the same length and share cache slots. */
const shortWord = fc.array(fc.constantFrom('a', 'b', '$', '_', '1'), { minLength: 1, maxLength: 4 }).map((characters) => characters.join(''));

describe('lexer', () => {
  it('tracks line and column of each token', () => {
    const result = tokens('http {\n  listen  80;\n}\n');
    expect(result.map((token) => [token.kind, token.value, token.line, token.column])).toEqual([
      [TokenKind.word, 'http', 1, 1],
      [TokenKind.blockStart, '', 1, 6],
      [TokenKind.word, 'listen', 2, 3],
      [TokenKind.word, '80', 2, 11],
      [TokenKind.semicolon, '', 2, 13],
      [TokenKind.blockEnd, '', 3, 1],
    ]);
  });

  it('removes quotes and marks quoted words', () => {
    const result = tokens(`a "b c" 'd;e';`);
    expect(result.map((token) => [token.value, token.quoted])).toEqual([
      ['a', false],
      ['b c', true],
      ['d;e', true],
      ['', false],
    ]);
  });

  it('unescapes what nginx unescapes', () => {
    expect(words(String.raw`x "a\"b" 'c\'d' "e\\f" "g\th" "\d\." \;;`)).toEqual(['x', 'a"b', "c'd", 'e\\f', 'g\th', '\\d\\.', '\\;']);
  });

  it('keeps ${name} and a closing brace inside a word', () => {
    expect(words('set $a ${host}_x;')).toEqual(['set', '$a', '${host}_x']);
    expect(words('return 200 a}b;')).toEqual(['return', '200', 'a}b']);
  });

  it('ends a bare word at a brace or semicolon', () => {
    const result = tokens('location /a{return 204;}');
    expect(result.map((token) => token.kind)).toEqual([TokenKind.word, TokenKind.word, TokenKind.blockStart, TokenKind.word, TokenKind.word, TokenKind.semicolon, TokenKind.blockEnd]);
  });

  it('treats # as a comment only at a token start', () => {
    const comments: string[] = [];
    const lexer = new Lexer('a b#c; # note\n# full line\nd;', (text, line, _column, trailing) => comments.push(`${line}:${trailing}:${text}`));
    const values: string[] = [];
    for (let kind = lexer.next(); kind !== TokenKind.endOfFile; kind = lexer.next()) values.push(lexer.value);
    expect(values).toEqual(['a', 'b#c', '', 'd', '']);
    expect(comments).toEqual(['1:true: note', '2:false: full line']);
  });

  it('allows a parenthesis after a closing quote', () => {
    expect(words('if ($a = "b") {')).toEqual(['if', '($a', '=', 'b', ')']);
  });

  it('rejects text glued to a closing quote', () => {
    const result = tokens('a "b"c;');
    expect(result.at(-1)).toMatchObject({ kind: TokenKind.error, value: 'unexpected "c"', line: 1, column: 6 });
  });

  it('reports an unterminated quote', () => {
    const result = tokens('a "b;\n');
    expect(result.at(-1)).toMatchObject({ kind: TokenKind.error, value: 'unexpected end of file, expecting ";" or "}"' });
  });

  it('counts lines inside quoted strings', () => {
    const result = tokens('a "x\ny";\nb;');
    expect(result.find((token) => token.value === 'b')).toMatchObject({ line: 3, column: 1 });
  });

  it('reads a Lua body with braces in strings and comments', () => {
    const lexer = new Lexer('{ local s = "}" -- }\n  local t = [[ } ]] --[==[ } ]==]\n  if x then y() end }\nnext;');
    lexer.next();
    const body = lexer.readLuaBody();
    expect(body).toBe(' local s = "}" -- }\n  local t = [[ } ]] --[==[ } ]==]\n  if x then y() end ');
    expect(lexer.next()).toBe(TokenKind.word);
    expect(lexer.value).toBe('next');
    expect(lexer.line).toBe(4);
  });

  it('skips a byte order mark', () => {
    expect(words('\ufeffevents {}')).toEqual(['events']);
  });

  it('reads cached words exactly as written', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(shortWord, fc.boolean()), { minLength: 1, maxLength: 400 }), (entries) => {
        const source = entries.map(([word, quoted]) => (quoted ? `"${word}"` : word)).join(' ');
        expect(lexWords(source, new WordCache())).toEqual(entries.map(([word]) => word));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('keeps words apart when lexers share a cache', () => {
    fc.assert(
      fc.property(fc.array(shortWord, { minLength: 1, maxLength: 200 }), fc.array(shortWord, { minLength: 1, maxLength: 200 }), (first, second) => {
        const cache = new WordCache();
        expect(lexWords(first.join(' '), cache)).toEqual(first);
        expect(lexWords(second.join('\n'), cache)).toEqual(second);
      }),
      { seed: 1_234, numRuns: 300 },
    );
  });

  it('reads distinct and long words past the cache size', () => {
    const expected: string[] = [];
    for (let index = 0; index < 20_000; index++) expected.push(`w${index}`, 'proxy_set_header', `${'x'.repeat(70)}${index % 3}`);
    expect(lexWords(expected.join(' '), new WordCache())).toEqual(expected);
  });

  it('unescapes repeated words on every read', () => {
    expect(words(String.raw`a\;b a\;b "a\"b" 'a"b' "a\"b" 'a"b';`)).toEqual(['a\\;b', 'a\\;b', 'a"b', 'a"b', 'a"b', 'a"b']);
  });
});
