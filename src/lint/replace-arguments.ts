import { Lexer, TokenKind } from './lexer.js';

/** A new value for the first argument of the directive whose name starts at `line`:`column`. */
export interface ArgumentReplacement {
  /** 1-based line of the directive name, as the parser reports it. */
  line: number;
  /** 1-based column of the directive name. */
  column: number;
  value: string;
}

/**
 * Replaces the first argument of directives in configuration text, quoted for
 * nginx. Every other byte stays, and a replaced argument that spanned lines is
 * followed by as many newlines, so each later line keeps its number and
 * nginx's messages about the result point at the lines of the original.
 */
export function replaceFirstArguments(text: string, replacements: readonly ArgumentReplacement[]): string {
  // The lexer skips a byte order mark, so its columns count from after it.
  const bom = text.charCodeAt(0) === 0xfeff ? text.slice(0, 1) : '';
  let body = text.slice(bom.length);
  const lineStarts = [0];
  for (let index = body.indexOf('\n'); index !== -1; index = body.indexOf('\n', index + 1)) lineStarts.push(index + 1);

  const edits: { start: number; end: number; value: string }[] = [];
  for (const replacement of replacements) {
    const lineStart = lineStarts[replacement.line - 1];
    if (lineStart === undefined) continue;
    const offset = lineStart + replacement.column - 1;
    const lexer = new Lexer(body.slice(offset));
    if (lexer.next() !== TokenKind.word || lexer.next() !== TokenKind.word) continue;

    const end = offset + lexer.offset;
    const argumentLineStart = lexer.line === 1 ? offset : lineStarts[replacement.line - 1 + lexer.line - 1];
    if (argumentLineStart === undefined) continue;
    const start = argumentLineStart + lexer.column - 1;
    edits.push({ start, end, value: replacement.value });
  }

  edits.sort((left, right) => right.start - left.start);
  for (const edit of edits) {
    const newlines = body.slice(edit.start, edit.end).split('\n').length - 1;
    body = `${body.slice(0, edit.start)}${quote(edit.value)}${'\n'.repeat(newlines)}${body.slice(edit.end)}`;
  }
  return bom + body;
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}
