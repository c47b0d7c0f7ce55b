import type { Directive } from '../src/lint/syntax.js';

/** Drops positions and include indexes, which change when text is rebuilt. */
export function treeShape(parsed: readonly Directive[]): unknown[] {
  return parsed.map((directive) => ({
    directive: directive.directive,
    args: directive.args,
    quoted: directive.quoted?.some(Boolean) ? directive.quoted : undefined,
    comment: directive.comment,
    block: directive.block ? treeShape(directive.block) : undefined,
  }));
}
