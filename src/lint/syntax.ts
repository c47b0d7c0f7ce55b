/**
 * The crossplane-shaped parse payload: one object per file with its
 * directives, plus the errors of the whole run. Extra fields (`column`,
 * `quoted`) carry positions and quoting so findings can point at a column and
 * the builder can round-trip arguments.
 */

/** One directive as it appears in a file. */
export interface Directive {
  directive: string;
  /** 1-based line of the directive name. */
  line: number;
  /** 1-based column of the directive name. */
  column: number;
  /** Arguments after nginx's unescaping (`\"`, `\'`, `\\`, `\t`, `\r`, `\n`), without their quotes. */
  args: string[];
  /** Per argument: true when it was written in quotes. Left out when no argument was quoted. */
  quoted?: boolean[];
  /** On `include` only: indexes into the payload's `config` array, one per file the pattern matched. */
  includes?: number[];
  /** Present on block directives (`http { … }`), even when the block is empty. */
  block?: Directive[];
  /** On `#` entries only, when comments are kept: the text after `#`. */
  comment?: string;
  [followsBlockEnd]?: true;
}

/** An error found while reading or parsing, in nginx's wording. */
export interface ParseError {
  /** Stable identifier, such as `unexpected-brace` or `include-not-found`. */
  code: string;
  file: string;
  line: number;
  column: number;
  /** nginx's message followed by ` in FILE:LINE`, as `nginx -t` prints it. */
  error: string;
}

/** One parsed file. */
export interface ConfigFile {
  file: string;
  status: 'ok' | 'failed';
  errors: ParseError[];
  parsed: Directive[];
}

/** The result of parsing a main file and everything it includes. */
export interface ParsePayload {
  status: 'ok' | 'failed';
  errors: ParseError[];
  config: ConfigFile[];
}

/** A 1-based line and column in a file. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * Positions of the words of a directive that spans several lines, and of its
 * `;` or `{`. `nginx -t` reports a wrong argument at the line of that
 * terminator, which after a missing `;` is a later line than the name.
 */
export interface DirectiveSpan {
  /** One position per argument, in order. Words on the name's line get the name's position, because no finding needs their columns. */
  args: SourcePosition[];
  terminator: SourcePosition;
}

/** A comment found in a file, with its position; lint suppressions are read from these. */
export interface Comment {
  file: string;
  line: number;
  column: number;
  text: string;
  /** True when a directive or brace precedes the comment on the same line. */
  trailing: boolean;
  /**
   * For a comment whose line has a `}` as the last token before it: the line
   * of the directive whose block that `}` closes, such as the `upstream` of
   * `upstream u { … } # comment`.
   */
  blockLine?: number;
}

/**
 * Marks a `#` entry of the payload that followed a `}` on its line, so that
 * the builder writes it after that `}` again. A symbol key stays out of JSON.
 */
export const followsBlockEnd: unique symbol = Symbol('followsBlockEnd');

const payloadKeys: ReadonlySet<string> = new Set([
  'file',
  'status',
  'errors',
  'config',
  'parsed',
  'code',
  'line',
  'column',
  'error',
  'directive',
  'args',
  'quoted',
  'includes',
  'block',
  'comment',
]);

const lintedPayloads = new WeakSet<ParsePayload>();

/** Records that the lint tree filled in the slots of a payload's directives. */
export function markLinted(payload: ParsePayload): void {
  lintedPayloads.add(payload);
}

/**
 * Serializes a payload as JSON with only the payload's own fields, leaving
 * out the slots that the lint tree fills in on directive objects.
 */
export function serializePayload(payload: ParsePayload, indent?: number): string {
  // Unfilled slots are undefined, which JSON leaves out, so the filter is needed only after linting.
  if (!lintedPayloads.has(payload)) return JSON.stringify(payload, undefined, indent);
  return JSON.stringify(
    payload,
    function keepPayloadFields(this: Record<string, unknown>, key: string, value: unknown) {
      if (key === '' || /^\d+$/.test(key)) return value;
      if (!payloadKeys.has(key)) return undefined;
      // Directives carry the lint tree's `file` slot; only files and errors have a payload `file`.
      if (key === 'file' && 'directive' in this) return undefined;
      return value;
    },
    indent,
  );
}

/** Placeholder until the parser sets the real arguments; frozen so that nothing can add to the shared array. */
const emptyArguments = Object.freeze([]) as unknown as string[];

/**
 * Creates a directive object. Besides the payload fields it has empty slots
 * (parent, file, context and others) that the lint tree fills in. The tree
 * reuses these objects instead of copying 100,000 of them for a large
 * configuration. Every object gets all fields up front, so that they share
 * one shape in V8. serializePayload() keeps the slots out of JSON.
 */
export function createDirective(directive: string, line: number, column: number): Directive {
  const created = {
    directive,
    line,
    column,
    args: emptyArguments,
    quoted: undefined,
    includes: undefined,
    block: undefined,
    name: undefined,
    file: undefined,
    parent: undefined,
    children: undefined,
    context: undefined,
    check: undefined,
    owner: undefined,
  };
  return created;
}
