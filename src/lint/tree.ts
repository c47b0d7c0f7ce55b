import { childContext, checkDirective, type DirectiveCheck } from './directive-set.js';
import type { ContextName } from './directive-table.js';
import { markLinted, type Directive, type DirectiveSpan, type ParsePayload, type SourcePosition } from './syntax.js';
import type { Target } from './target.js';

/**
 * A directive in the configuration as nginx reads it: `include` is replaced
 * by the directives of the files it names, and every node stores its parent,
 * its file and its context.
 */
export interface LintNode {
  name: string;
  args: string[];
  quoted: boolean[] | undefined;
  file: string;
  line: number;
  column: number;
  parent: LintNode | undefined;
  /** The directives of its block, or undefined for a simple directive. */
  children: LintNode[] | undefined;
  /** The context the directive appears in; undefined inside data blocks (`map`, `types`, …) and unknown blocks. */
  context: ContextName | undefined;
  /** The table check for the target, computed once while the tree is built. */
  check: DirectiveCheck | undefined;
}

export interface LintTree {
  /** The directives of the main file at the top level. */
  roots: LintNode[];
  /** The block the top level stands for: `main` for a main file, or the block a linted fragment is included in. */
  rootContext: ContextName;
  /** Every node in document order, nested ones after their parent. */
  nodes: LintNode[];
  byName: Map<string, LintNode[]>;
  /**
   * The nodes whose directive-table check failed, in document order. A
   * directive that takes no block but has one is only here. It and its block
   * are left out of `nodes`, `byName` and its parent's children, because a
   * missing `;` often made it read the words of the next lines as arguments.
   */
  failedChecks: LintNode[];
  /**
   * For the nodes in `failedChecks` that have a block they should not have:
   * the position of the `{`, when it is on a later line than the name.
   */
  unexpectedBlockStarts: ReadonlyMap<LintNode, SourcePosition>;
  /** Argument and terminator positions of the nodes whose `;` or `{` is on a later line than their name. */
  spans: ReadonlyMap<LintNode, DirectiveSpan>;
}

/** Positions the parser records beside the payload (see ParseResult). */
export interface ParsedPositions {
  blockStarts?: ReadonlyMap<Directive, SourcePosition>;
  spans?: ReadonlyMap<Directive, DirectiveSpan>;
}

const noBlockStarts: ReadonlyMap<Directive, SourcePosition> = new Map();
const noSpans: ReadonlyMap<Directive, DirectiveSpan> = new Map();

/** Included files are expanded at most this deep; the parser already rejects cycles. */
const maxIncludeDepth = 64;

/** A parsed directive that serves as a lint node; `owner` is the tree that claimed it. */
type ReusedDirective = Directive & LintNode & { owner: LintTree | undefined };

/**
 * Builds the lint tree of a parse payload, expanding includes in place and
 * checking each directive against the table. The nodes are the payload's
 * own directive objects (see createDirective), filled in here, so a payload
 * serves one lint tree at a time: building another tree from it rewrites
 * the nodes of the previous one. A file included twice is copied for its
 * second place, because each node has one parent.
 */
export function buildLintTree(payload: ParsePayload, target: Target, positions: ParsedPositions = {}, rootContext: ContextName = 'main'): LintTree {
  const blockStarts = positions.blockStarts ?? noBlockStarts;
  const parsedSpans = positions.spans ?? noSpans;
  const spans = new Map<LintNode, DirectiveSpan>();
  const nodes: LintNode[] = [];
  const byName = new Map<string, LintNode[]>();
  const failedChecks: LintNode[] = [];
  const unexpectedBlockStarts = new Map<LintNode, SourcePosition>();
  const main = payload.config[0];
  // The nodes of the blocks being converted, innermost block last. Each block's children are copied out at
  // their exact size, or are the parsed block itself when nothing was expanded, skipped or copied, so that a
  // large configuration does not allocate a second, growing array for every block.
  const stack: LintNode[] = [];
  let stackTop = 0;

  function convert(list: readonly Directive[], file: string, parent: LintNode | undefined, context: ContextName | undefined, depth: number): void {
    // Indexed loops, because these run before the JIT optimizes them and a for-of loop then allocates an
    // iterator result per directive.
    for (let index = 0; index < list.length; index++) {
      const directive = list[index] as Directive;
      if (directive.directive === '#') continue;

      if (directive.directive === 'include' && directive.includes && depth < maxIncludeDepth) {
        for (let includeIndex = 0; includeIndex < directive.includes.length; includeIndex++) {
          const included = payload.config[directive.includes[includeIndex] as number];
          if (included) convert(included.parsed, included.file, parent, context, depth + 1);
        }
        continue;
      }

      let node = directive as ReusedDirective;
      if (node.owner === tree) node = { ...node };
      node.owner = tree;
      node.name = directive.directive;
      node.file = file;
      node.parent = parent;
      node.children = undefined;
      node.context = context;
      node.check = undefined;
      if (parsedSpans.size > 0) {
        const span = parsedSpans.get(directive);
        if (span) spans.set(node, span);
      }
      if (context !== undefined) {
        node.check = checkDirective(node.name, context, node.args, directive.block !== undefined, target);
        if (node.check.kind !== 'ok') failedChecks.push(node);
        if (node.check.kind === 'invalid-arguments' && node.check.unexpectedBlock) {
          const start = blockStarts.get(directive);
          if (start) unexpectedBlockStarts.set(node, start);
          continue;
        }
      }
      stack[stackTop++] = node;
      nodes.push(node);
      const named = byName.get(node.name);
      if (named) named.push(node);
      else byName.set(node.name, [node]);

      if (directive.block) {
        const variant = node.check?.kind === 'ok' ? node.check.variant : undefined;
        const inner = context === undefined ? undefined : childContext(node.name, context, variant);
        const start = stackTop;
        convert(directive.block, file, node, inner, depth);
        node.children = takeNodes(start, directive.block);
      }
    }
  }

  /** Removes the nodes above `start` from the stack and returns them, as `block` itself when it contains the same nodes. */
  function takeNodes(start: number, block: readonly Directive[] | undefined): LintNode[] {
    const count = stackTop - start;
    let same = block !== undefined && block.length === count;
    for (let index = 0; same && index < count; index++) same = block?.[index] === stack[start + index];
    stackTop = start;
    if (same) return block as ReusedDirective[];
    return stack.slice(start, start + count);
  }

  const tree: LintTree = { roots: [], rootContext, nodes, byName, failedChecks, unexpectedBlockStarts, spans };
  markLinted(payload);
  if (main) {
    convert(main.parsed, main.file, undefined, rootContext, 0);
    tree.roots = takeNodes(0, main.parsed);
  }
  return tree;
}

/** The position at which `nginx -t` reports a wrong argument, and the line that probably lacks its `;` when the argument starts a later line. */
export interface ArgumentReport {
  position: SourcePosition;
  /** The line before the argument's, when the argument is the first word on its line. */
  unterminatedLine: number | undefined;
}

/**
 * Returns where `nginx -t` names argument `index` of `node` as invalid: the
 * line of the directive's `;` or `{`, because nginx checks the arguments
 * after it has read the whole directive (ngx_conf_handler()). The column is
 * the argument's when it is on that line.
 */
export function argumentReport(tree: LintTree, node: LintNode, index: number): ArgumentReport {
  const span = tree.spans.get(node);
  const argument = span?.args[index];
  if (!span || !argument) return { position: { line: node.line, column: node.column }, unterminatedLine: undefined };

  const previousLine = index === 0 ? node.line : (span.args[index - 1]?.line ?? node.line);
  const column = argument.line === span.terminator.line ? argument.column : span.terminator.column;
  return {
    position: { line: span.terminator.line, column },
    unterminatedLine: argument.line > previousLine ? previousLine : undefined,
  };
}

/** Returns the fix for a directive that read the next line's words as its arguments because `line` lacks its `;`. */
export function missingSemicolonHint(node: LintNode, line: number): string {
  return `The words after line ${line} were read as parameters of the "${node.name}" on line ${node.line}. End line ${line} with ";".`;
}

const emptyList: readonly LintNode[] = Object.freeze([]);
/** Blocks with more children than this get an index by name. */
const maxScannedChildren = 32;
/**
 * Indexes by children array. A rebuilt tree gets new children arrays, except where a parsed block
 * serves as children, and such a block contains the same node objects in every tree, so its index stays valid.
 */
const childIndexes = new WeakMap<readonly LintNode[], Map<string, LintNode[]>>();

/**
 * Returns the directives named `name` directly inside `node`'s block. Rules
 * ask this for every directive they visit, so large blocks are indexed by
 * name once. The returned list may be shared: do not change it.
 */
export function childrenNamed(node: LintNode | undefined, name: string): readonly LintNode[] {
  const children = node?.children;
  return children ? namedIn(children, name) : emptyList;
}

/** True when `node`'s block has a directive named `name`. */
export function hasChildNamed(node: LintNode | undefined, name: string): boolean {
  return firstChildNamed(node, name) !== undefined;
}

/** Returns the first directive named `name` directly inside `node`'s block, without building a list. */
export function firstChildNamed(node: LintNode | undefined, name: string): LintNode | undefined {
  const children = node?.children;
  if (!children) return undefined;
  if (children.length > maxScannedChildren) return indexOf(children).get(name)?.[0];
  for (let index = 0; index < children.length; index++) {
    const child = children[index] as LintNode;
    if (child.name === name) return child;
  }
  return undefined;
}

/** Returns the nodes of `list` named `name`, in order: scanned in a short list, looked up in a long one. */
function namedIn(list: readonly LintNode[], name: string): readonly LintNode[] {
  if (list.length > maxScannedChildren) return indexOf(list).get(name) ?? emptyList;

  // Counting first gives an array of the exact size; one grown by push keeps spare slots.
  let count = 0;
  for (let index = 0; index < list.length; index++) if ((list[index] as LintNode).name === name) count++;
  if (count === 0) return emptyList;

  const found = new Array<LintNode>(count);
  let next = 0;
  for (let index = 0; index < list.length && next < count; index++) {
    const node = list[index] as LintNode;
    if (node.name === name) found[next++] = node;
  }
  return found;
}

function indexOf(list: readonly LintNode[]): Map<string, LintNode[]> {
  let index = childIndexes.get(list);
  if (index) return index;

  index = new Map();
  for (let position = 0; position < list.length; position++) {
    const node = list[position] as LintNode;
    const named = index.get(node.name);
    if (named) named.push(node);
    else index.set(node.name, [node]);
  }
  childIndexes.set(list, index);
  return index;
}

/** Finds the nearest enclosing directive named `name`. */
export function ancestorNamed(node: LintNode, name: string): LintNode | undefined {
  for (let current = node.parent; current; current = current.parent) if (current.name === name) return current;
  return undefined;
}

/** Returns the list a node is in: its parent's children, or the top level. */
export function siblings(node: LintNode, tree: LintTree): LintNode[] {
  return node.parent?.children ?? tree.roots;
}

/**
 * Returns the directives named `name` that are in effect at `node`. nginx
 * inherits array-type directives whole: the nearest level that sets the
 * directive at least once wins, and the levels above it are not merged in.
 * The returned list may be shared: do not change it.
 */
export function effectiveDirectives(node: LintNode, name: string, tree: LintTree): readonly LintNode[] {
  let level: LintNode | undefined = node;
  while (level) {
    const found = childrenNamed(level, name);
    if (found.length > 0) return found;
    level = level.parent;
  }
  return namedIn(tree.roots, name);
}

/**
 * Returns the last directive named `name` in effect at `node`. For a directive
 * that may appear once per level, such as `proxy_http_version`, that is the
 * one that counts. Returns undefined when no level sets it.
 */
export function lastEffectiveDirective(node: LintNode, name: string, tree: LintTree): LintNode | undefined {
  for (let level: LintNode | undefined = node; level; level = level.parent) {
    const last = lastNamedIn(level.children, name);
    if (last) return last;
  }
  return lastNamedIn(tree.roots, name);
}

function lastNamedIn(list: readonly LintNode[] | undefined, name: string): LintNode | undefined {
  if (!list) return undefined;
  if (list.length > maxScannedChildren) return indexOf(list).get(name)?.at(-1);
  for (let index = list.length - 1; index >= 0; index--) {
    const node = list[index] as LintNode;
    if (node.name === name) return node;
  }
  return undefined;
}

/** Finds the http `server` block that contains a node. */
export function enclosingServer(node: LintNode): LintNode | undefined {
  for (let current: LintNode | undefined = node; current; current = current.parent) {
    if (current.name === 'server' && current.context === 'http') return current;
  }
  return undefined;
}

/** Returns the `upstream` name a `proxy_pass`, `grpc_pass` or similar URL names, when it is literal. */
export function upstreamNameOfUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const match = /^(?:https?|grpcs?):\/\/([^/:$]+)(?:[/]|$)/.exec(url);
  return match?.[1];
}

/** Finds the nearest block, from `start` outward, that sets `name` itself, and returns it with those directives. */
export function nearestLevelWith(start: LintNode | undefined, name: string): { level: LintNode; directives: readonly LintNode[] } | undefined {
  for (let level = start; level; level = level.parent) {
    const directives = childrenNamed(level, name);
    if (directives.length > 0) return { level, directives };
  }
  return undefined;
}
