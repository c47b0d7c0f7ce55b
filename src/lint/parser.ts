import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

import { expandGlob, hasGlobPattern } from './glob.js';
import { Lexer, TokenKind, WordCache } from './lexer.js';
import { createDirective, followsBlockEnd, type Comment, type ConfigFile, type Directive, type DirectiveSpan, type ParseError, type ParsePayload, type SourcePosition } from './syntax.js';

export interface ParseOptions {
  /** Directory that relative `include` paths are joined to; nginx uses its prefix, by default the main file's directory. */
  prefix?: string;
  /** Keeps comments as `#` directives in the payload, as crossplane's `--include-comments` does. */
  includeComments?: boolean;
  /** Parses only the main file and leaves `include` unresolved. */
  singleFile?: boolean;
  /** Reads a file; tests and the fuzzer pass their own. Defaults to reading UTF-8 from disk. */
  readFile?: (path: string) => string;
}

export interface ParseResult {
  payload: ParsePayload;
  /** Every comment in every file, for inline suppressions. */
  comments: Comment[];
  /**
   * The position of the `{` of each block whose `{` is not on the
   * directive's first line. `nginx -t` reports a block on a directive that
   * takes none at the line of its `{`, so lint does too.
   */
  blockStarts: ReadonlyMap<Directive, SourcePosition>;
  /** The argument and terminator positions of each directive whose `;` or `{` is not on the line of its name. */
  spans: ReadonlyMap<Directive, DirectiveSpan>;
}

/** Blocks nest this deep at most; nginx has no limit, but real configurations stay far below it. */
const maxBlockDepth = 256;

class SyntaxStop extends Error {}

/**
 * Parses a main configuration file and every file it includes into a
 * crossplane-shaped payload. Each file is parsed once; an include that
 * reaches a file already being parsed is reported as a cycle.
 */
export function parseConfigFile(mainFile: string, options: ParseOptions = {}): ParseResult {
  const parser = new ConfigParser(options, options.prefix ?? dirname(resolve(mainFile)));
  parser.parseFile(mainFile, undefined);
  return parser.result();
}

/** Parses configuration text that is not on disk, as the file name given. Includes are resolved on disk. */
export function parseConfigText(text: string, file = 'nginx.conf', options: ParseOptions = {}): ParseResult {
  const readFile = options.readFile ?? readUtf8;
  return parseConfigFile(file, {
    ...options,
    prefix: options.prefix ?? dirname(resolve(file)),
    readFile: (path) => (path === file ? text : readFile(path)),
  });
}

function readUtf8(path: string): string {
  return readFileSync(path, 'utf8');
}

class ConfigParser {
  private readonly config: ConfigFile[] = [];
  private readonly errors: ParseError[] = [];
  private readonly comments: Comment[] = [];
  private readonly indexByPath = new Map<string, number>();
  private readonly activePaths: string[] = [];
  private readonly readFile: (path: string) => string;
  private readonly argumentScratch: string[] = [];
  /** Line and column of each word in `argumentScratch` that is on a later line than its directive's name. */
  private readonly argumentLineScratch: number[] = [];
  private readonly argumentColumnScratch: number[] = [];
  /** One cache for every file, because included files repeat the words of the main file. */
  private readonly wordCache = new WordCache();
  /**
   * The directives of the nested blocks being parsed, innermost block last. `blockStackTop` is the
   * count in use. Each block is copied out at its exact size when it ends, because an array that
   * grows by push keeps spare slots.
   */
  private readonly blockStack: Directive[] = [];
  private blockStackTop = 0;
  /** Line of each block's closing brace, so comments before it stay inside the block. */
  private readonly blockEndLines = new WeakMap<Directive, number>();
  private readonly blockStarts = new Map<Directive, SourcePosition>();
  private readonly spans = new Map<Directive, DirectiveSpan>();
  /** The directive whose block's `}` is the last token read, while no other token has followed it. */
  private closedBlock: Directive | undefined;
  /** Each comment that follows a `}` on its line, with the directive whose block that `}` closes. */
  private readonly commentBlocks = new Map<Comment, Directive>();

  constructor(
    private readonly options: ParseOptions,
    private readonly prefix: string,
  ) {
    this.readFile = options.readFile ?? readUtf8;
  }

  result(): ParseResult {
    const failed = this.errors.length > 0;
    return { payload: { status: failed ? 'failed' : 'ok', errors: this.errors, config: this.config }, comments: this.comments, blockStarts: this.blockStarts, spans: this.spans };
  }

  /** Parses one file and returns its index in `config`, or undefined when it could not be read. */
  parseFile(path: string, from: { file: string; line: number; column: number } | undefined): number | undefined {
    let text: string;
    try {
      text = this.readFile(path);
    } catch (error) {
      const reason = describeReadError(error);
      if (from) this.addError(undefined, 'include-not-found', `open() "${path}" failed (${reason})`, from.file, from.line, from.column);
      else this.addError(undefined, isMissing(error) ? 'file-not-found' : 'file-unreadable', `open() "${path}" failed (${reason})`, path, 0, 0);
      return undefined;
    }

    const entry: ConfigFile = { file: path, status: 'ok', errors: [], parsed: [] };
    const index = this.config.length;
    this.config.push(entry);
    this.indexByPath.set(path, index);
    this.activePaths.push(path);

    const lexer = new Lexer(
      text,
      (comment, line, column, trailing) => {
        const entry: Comment = { file: path, line, column, text: comment, trailing };
        const closed = this.closedBlock;
        if (trailing && closed !== undefined) {
          entry.blockLine = closed.line;
          this.commentBlocks.set(entry, closed);
        }
        this.comments.push(entry);
      },
      this.wordCache,
    );
    const blockStackStart = this.blockStackTop;
    try {
      // The top-level directives read before a syntax error stay in the payload; an unfinished block is dropped.
      this.parseBlock(lexer, entry, 0, entry.parsed);
    } catch (error) {
      if (!(error instanceof SyntaxStop)) throw error;
    } finally {
      this.blockStackTop = blockStackStart;
      this.activePaths.pop();
    }
    if (this.options.includeComments) entry.parsed = this.withComments(entry, path);
    return index;
  }

  /** Parses directives until the end of a block or file, into `target` or else onto the block stack. */
  private parseBlock(lexer: Lexer, entry: ConfigFile, depth: number, target: Directive[] | undefined): void {
    for (;;) {
      const kind = lexer.next();
      this.closedBlock = undefined;

      if (kind === TokenKind.endOfFile) {
        if (depth > 0) this.stop(entry, 'unexpected-end-of-file', 'unexpected end of file, expecting "}"', lexer);
        return;
      }
      if (kind === TokenKind.blockEnd) {
        if (depth === 0) this.stop(entry, 'unexpected-brace', 'unexpected "}"', lexer);
        return;
      }
      if (kind === TokenKind.semicolon) this.stop(entry, 'unexpected-semicolon', 'unexpected ";"', lexer);
      if (kind === TokenKind.blockStart) this.stop(entry, 'unexpected-brace', 'unexpected "{"', lexer);
      if (kind === TokenKind.error) this.stop(entry, lexer.errorCode, lexer.errorMessage, lexer);

      const directive = this.parseDirective(lexer, entry, depth);
      if (target) target.push(directive);
      else this.blockStack[this.blockStackTop++] = directive;
    }
  }

  private parseDirective(lexer: Lexer, entry: ConfigFile, depth: number): Directive {
    const directive = createDirective(lexer.value, lexer.line, lexer.column);
    let quoted: boolean[] | undefined = lexer.quoted ? [] : undefined;
    // Arguments gather in a shared scratch array and are copied out at their exact size: a pushed-to empty array
    // reserves 17 slots in V8, which for 100,000 directives is megabytes that the garbage collector keeps copying.
    // The scratch array is overwritten, never truncated, because V8 frees the storage of an array set to length 0.
    const scratch = this.argumentScratch;
    let count = 0;
    // Index of the first word on a later line than the name; positions are recorded only from there on.
    let firstLaterWord = -1;

    for (;;) {
      const kind = lexer.next();
      this.closedBlock = undefined;

      if (kind === TokenKind.word) {
        if (lexer.quoted && quoted === undefined) quoted = new Array<boolean>(count).fill(false);
        if (quoted) quoted.push(lexer.quoted);
        if (lexer.line !== directive.line) {
          if (firstLaterWord === -1) firstLaterWord = count;
          this.argumentLineScratch[count] = lexer.line;
          this.argumentColumnScratch[count] = lexer.column;
        }
        scratch[count++] = lexer.value;
        continue;
      }
      directive.args = scratch.slice(0, count);
      if (lexer.line !== directive.line && (kind === TokenKind.semicolon || kind === TokenKind.blockStart)) this.recordSpan(directive, count, firstLaterWord === -1 ? count : firstLaterWord, lexer);
      if (kind === TokenKind.semicolon) break;
      if (kind === TokenKind.blockStart) {
        if (directive.directive.endsWith('_by_lua_block')) {
          this.readLuaBody(lexer, entry, directive, quoted);
          break;
        }
        if (depth + 1 > maxBlockDepth) this.stop(entry, 'nesting-too-deep', `blocks nested deeper than ${maxBlockDepth} levels`, lexer);
        if (lexer.line !== directive.line) this.blockStarts.set(directive, { line: lexer.line, column: lexer.column });
        const start = this.blockStackTop;
        this.parseBlock(lexer, entry, depth + 1, undefined);
        directive.block = this.blockStack.slice(start, this.blockStackTop);
        this.blockStackTop = start;
        if (this.options.includeComments) this.blockEndLines.set(directive, lexer.line);
        this.closedBlock = directive;
        break;
      }
      if (kind === TokenKind.blockEnd) this.stop(entry, 'unexpected-brace', 'unexpected "}"', lexer);
      if (kind === TokenKind.endOfFile) this.stop(entry, 'unexpected-end-of-file', 'unexpected end of file, expecting ";" or "}"', lexer);
      this.stop(entry, lexer.errorCode, lexer.errorMessage, lexer);
    }

    if (quoted && quoted.some(Boolean)) directive.quoted = quoted;
    if (directive.directive === 'if') stripIfParentheses(directive);
    if (directive.directive === 'include' && !this.options.singleFile) this.resolveInclude(directive, entry);
    return directive;
  }

  private recordSpan(directive: Directive, count: number, firstLaterWord: number, lexer: Lexer): void {
    const args: SourcePosition[] = new Array<SourcePosition>(count);
    for (let index = 0; index < firstLaterWord; index++) args[index] = { line: directive.line, column: directive.column };
    for (let index = firstLaterWord; index < count; index++) args[index] = { line: this.argumentLineScratch[index] as number, column: this.argumentColumnScratch[index] as number };
    this.spans.set(directive, { args, terminator: { line: lexer.line, column: lexer.column } });
  }

  private readLuaBody(lexer: Lexer, entry: ConfigFile, directive: Directive, quoted: boolean[] | undefined): void {
    const body = lexer.readLuaBody();
    if (body === undefined) this.stop(entry, 'unexpected-end-of-file', 'unexpected end of file, expecting "}"', lexer);
    directive.args.push(body ?? '');
    if (quoted) quoted.push(false);
  }

  private resolveInclude(directive: Directive, entry: ConfigFile): void {
    directive.includes = [];
    const pattern = directive.args[0];
    if (directive.args.length !== 1 || pattern === undefined) return;

    const path = isAbsolute(pattern) ? pattern : resolve(this.prefix, pattern);
    const files = hasGlobPattern(path) ? expandGlob(path) : [path];
    const from = { file: entry.file, line: directive.line, column: directive.column };

    for (const file of files) {
      if (this.activePaths.includes(file)) {
        const chain = [...this.activePaths.slice(this.activePaths.indexOf(file)), file].join('" -> "');
        this.addError(entry, 'include-cycle', `include cycle "${chain}"`, from.file, from.line, from.column);
        continue;
      }
      const known = this.indexByPath.get(file);
      const index = known ?? this.parseFile(file, from);
      if (index !== undefined) directive.includes.push(index);
    }
  }

  private withComments(entry: ConfigFile, path: string): Directive[] {
    const comments = this.comments.filter((comment) => comment.file === path);
    if (comments.length === 0) return entry.parsed;
    return mergeComments(entry.parsed, comments, this.blockEndLines, this.commentBlocks);
  }

  private stop(entry: ConfigFile, code: string, message: string, lexer: Lexer): never {
    this.addError(entry, code, message, entry.file, lexer.line, lexer.column);
    throw new SyntaxStop(message);
  }

  private addError(entry: ConfigFile | undefined, code: string, message: string, file: string, line: number, column: number): void {
    // nginx names no position when the main file itself cannot be opened.
    const error: ParseError = { code, file, line, column, error: line > 0 ? `${message} in ${file}:${line}` : message };
    this.errors.push(error);
    const owner = entry ?? this.config[this.indexByPath.get(file) ?? -1];
    if (owner) {
      owner.errors.push(error);
      owner.status = 'failed';
    }
  }
}

/** Removes the parentheses of `if (…)`, which nginx's lexer leaves attached to the first and last words. */
function stripIfParentheses(directive: Directive): void {
  const args = directive.args;
  const quoted = directive.quoted;

  if (args.length > 0 && !quoted?.[0] && args[0]?.startsWith('(')) {
    args[0] = args[0].slice(1);
    if (args[0] === '') {
      args.shift();
      quoted?.shift();
    }
  }
  const last = args.length - 1;
  if (last >= 0 && !quoted?.[last] && args[last]?.endsWith(')')) {
    args[last] = args[last].slice(0, -1);
    if (args[last] === '') {
      args.pop();
      quoted?.pop();
    }
  }
}

/**
 * Inserts comments as `#` directives at their place in the tree, by line. A
 * comment that follows a `}` goes right after that block's directive, never
 * inside the block, even when the whole block is on the comment's line.
 */
function mergeComments(parsed: Directive[], comments: Comment[], blockEndLines: WeakMap<Directive, number>, commentBlocks: ReadonlyMap<Comment, Directive>): Directive[] {
  const pending = [...comments];

  /** True when the next comment belongs where the loops may place it by line, that is, it follows no `}`. */
  function nextIsPlain(): boolean {
    const next = pending[0];
    return next !== undefined && !commentBlocks.has(next);
  }

  function merge(list: Directive[], endLine: number): Directive[] {
    const result: Directive[] = [];
    for (let index = 0; index < list.length; index++) {
      const directive = list[index] as Directive;
      while (nextIsPlain() && (pending[0]?.line ?? Infinity) < directive.line) result.push(toDirective(pending.shift()));
      result.push(directive);
      if (directive.block) {
        directive.block = merge(directive.block, blockEndLines.get(directive) ?? directive.line);
        while (pending[0] !== undefined && commentBlocks.get(pending[0]) === directive) {
          const comment = toDirective(pending.shift());
          comment[followsBlockEnd] = true;
          result.push(comment);
        }
      }
      // A trailing comment follows the last directive on its line, as in `a; b; # comment`.
      if (list[index + 1]?.line === directive.line) continue;
      while (nextIsPlain() && pending[0]?.trailing && pending[0].line === directive.line) result.push(toDirective(pending.shift()));
    }
    while (nextIsPlain() && (pending[0]?.line ?? Infinity) <= endLine) result.push(toDirective(pending.shift()));
    return result;
  }

  return merge(parsed, Infinity);
}


function toDirective(comment: Comment | undefined): Directive {
  const value = comment ?? { line: 0, column: 0, text: '' };
  return { directive: '#', line: value.line, column: value.column, args: [], comment: value.text };
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return '2: No such file or directory';
  if (code === 'EACCES') return '13: Permission denied';
  if (code === 'EISDIR') return '21: Is a directory';
  return error instanceof Error ? error.message : String(error);
}
