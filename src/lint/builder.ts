import { followsBlockEnd, type Directive } from './syntax.js';

export interface BuildOptions {
  /** Spaces per nesting level. */
  indent?: number;
}

/**
 * Writes directives back as nginx configuration text. Arguments are quoted
 * when they were quoted in the source or when nginx's lexer would otherwise
 * split or misread them, so that parsing the output gives the same tree.
 * A comment that shares its line with the directive before it, with the
 * `{` of its block, or with a `}` before it, stays on that line, so that a
 * trailing `# h2sticky-disable-line RULE` keeps applying to its directive
 * or block.
 */
export function buildConfig(parsed: readonly Directive[], options: BuildOptions = {}): string {
  const indent = ' '.repeat(options.indent ?? 4);
  const lines: string[] = [];
  writeBlock(parsed, undefined, 0, indent, lines);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

// NOTE: each directive gets its own line, so in `a; b; # comment` the comment stays with `b` only.
function writeBlock(parsed: readonly Directive[], parent: Directive | undefined, depth: number, indent: string, lines: string[]): void {
  const padding = indent.repeat(depth);
  // The directive whose output line a comment on the same source line joins: the block's own directive at first.
  let lineOwner = parent;
  for (let index = 0; index < parsed.length; index++) {
    const directive = parsed[index] as Directive;
    if (directive.directive === '#') {
      const comment = `#${directive.comment ?? ''}`;
      // The parser puts such a comment right after its block's directive, whose last output line is the `}`.
      const afterBlockEnd = directive[followsBlockEnd] === true && parsed[index - 1]?.block !== undefined;
      const sharesLine = lineOwner !== undefined && lineOwner.line === directive.line;
      if ((afterBlockEnd || sharesLine) && lines.length > 0) lines[lines.length - 1] += ` ${comment}`;
      else lines.push(`${padding}${comment}`);
      lineOwner = undefined;
      continue;
    }
    // A block's last output line is its `}`, which a comment on the directive's first line must not join.
    lineOwner = directive.block ? undefined : directive;

    const head = [quoteArgument(directive.directive, false)];
    const args = directive.args.map((arg, index) => quoteArgument(arg, directive.quoted?.[index] ?? false));

    if (directive.directive.endsWith('_by_lua_block') && !directive.block) {
      const body = args.length > 0 ? (directive.args[directive.args.length - 1] ?? '') : '';
      const before = args.slice(0, -1);
      lines.push(`${padding}${[...head, ...before].join(' ')} {${body}}`);
      continue;
    }

    const text = directive.directive === 'if' ? `${head[0]} (${args.join(' ')})` : [...head, ...args].join(' ');
    if (!directive.block) {
      lines.push(`${padding}${text};`);
      continue;
    }
    lines.push(`${padding}${text} {`);
    writeBlock(directive.block, directive, depth + 1, indent, lines);
    lines.push(`${padding}}`);
  }
}

/** Quotes a value when nginx's lexer would not read it back unchanged as one bare word. */
export function quoteArgument(value: string, wasQuoted: boolean): string {
  if (!wasQuoted && isSafeBareWord(value)) return value;

  let result = '"';
  for (let index = 0; index < value.length; index++) {
    const char = value[index] ?? '';
    if (char === '"') result += '\\"';
    else if (char === '\\') {
      // Only these pairs are unescaped when read back; any other `\x` survives as written.
      const next = value[index + 1];
      result += next === undefined || '"\'\\trn'.includes(next) ? '\\\\' : '\\';
    } else result += char;
  }
  return `${result}"`;
}

function isSafeBareWord(value: string): boolean {
  if (value === '') return false;
  const first = value.charCodeAt(0);
  // A quote, `#` or `}` at the start of a word means something else to the lexer.
  if (first === 34 || first === 39 || first === 35 || first === 125) return false;

  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code === 92) {
      // A backslash protects the next character, and reads back as written unless that character is unescaped.
      const next = value[index + 1];
      if (next === undefined || '"\'\\trn'.includes(next)) return false;
      index++;
      continue;
    }
    if (code === 32 || code === 9 || code === 10 || code === 13 || code === 59) return false;
    if (code === 123 && value.charCodeAt(index - 1) !== 36) return false;
  }
  return true;
}
