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

/** A comment found in a file, with its position; lint suppressions are read from these. */
export interface Comment {
  file: string;
  line: number;
  column: number;
  text: string;
  /** True when a directive or brace precedes the comment on the same line. */
  trailing: boolean;
}
