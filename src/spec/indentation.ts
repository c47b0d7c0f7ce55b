/**
 * Finds the misindented line behind a YAML indentation error. The yaml
 * library reports such an error where the parser noticed it, which is often
 * a correctly indented sibling: when the first key of a mapping is indented
 * too far, every later key gets "All mapping items must start at the same
 * column". Comparing the columns of the items of the same mapping or list
 * finds the one that differs, and the column it should start at.
 */

/** A line with YAML content; columns count from 0. */
interface ContentLine {
  /** Line number, from 1. */
  line: number;
  indent: number;
  /** Column of the mapping key on the line: after `- ` for a list item that starts a mapping. */
  keyIndent: number;
  dash: boolean;
  /** The key before `:`, or undefined when the line has none. */
  key: string | undefined;
  /** True when a value follows the key's `:` on the same line. */
  inlineValue: boolean;
}

export interface Misindentation {
  /** Line and column (from 1) where the misindented item starts. */
  line: number;
  column: number;
  /** Column (from 1) where the item should start. */
  expectedColumn: number;
  /** How messages name the item: its key, or `-` for a list item. */
  item: string;
  /** A correctly indented sibling, to show in the fix. */
  sibling: { line: number; item: string };
  /** `mapping` or `list`. */
  collection: 'mapping' | 'list';
}

/** Error codes of the yaml library (version 2) that a misindented line can cause. */
const indentationErrorCodes = new Set(['BAD_INDENT', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY', 'MISSING_CHAR', 'UNEXPECTED_TOKEN']);

/**
 * Finds the misindented item behind a yaml library error at `line` (from 1),
 * or returns undefined when the error has another cause or the items of the
 * collection all start at one column.
 */
export function findMisindentation(text: string, error: { code: string; line: number; column: number }): Misindentation | undefined {
  if (!indentationErrorCodes.has(error.code)) return undefined;
  const lines = contentLines(text);
  const errorLine = lines.find((candidate) => candidate.line === error.line);
  if (!errorLine) return undefined;

  // "Nested mappings are not allowed in compact mappings": a key with a value on its line, then a line indented deeper.
  if (error.column - 1 > errorLine.keyIndent) {
    const compact = deeperAfterValue(lines, errorLine);
    if (compact) return compact;
  }
  return differingSibling(lines, errorLine, indentStep(lines));
}

/** Reports the line after `line` when it is indented deeper than a key whose value is already on its own line. */
function deeperAfterValue(lines: ContentLine[], line: ContentLine): Misindentation | undefined {
  const next = lines[lines.indexOf(line) + 1];
  if (!next || !line.inlineValue || line.key === undefined || next.indent <= line.keyIndent) return undefined;
  return {
    line: next.line,
    column: next.indent + 1,
    expectedColumn: line.keyIndent + 1,
    item: itemName(next),
    sibling: { line: line.line, item: line.key },
    collection: next.dash ? 'list' : 'mapping',
  };
}

/**
 * Compares the line with the other items of its collection and returns the
 * item whose column differs from the others. A tie is broken by the
 * document's usual indentation step below the parent, and then by the first
 * item, whose column the yaml library takes for the whole collection.
 */
function differingSibling(lines: ContentLine[], line: ContentLine, step: number): Misindentation | undefined {
  const index = lines.indexOf(line);
  let parentIndex = parentOf(lines, index, line.indent);

  // A key under a list item that starts a mapping (`- address: …`) belongs to the mapping that starts after `- `.
  const parent = lines[parentIndex];
  if (parent?.dash && parent.key !== undefined && !line.dash && line.indent !== parent.keyIndent && line.indent > parent.indent) {
    return misindented(line, parent.keyIndent, parent);
  }

  // Walk up while the block has no other item of the same kind, so that a key indented deeper than a list is compared with the keys around that list.
  for (let attempt = 0; attempt < lines.length; attempt++) {
    const items = blockItems(lines, parentIndex, line);
    const others = items.filter((item) => item !== line);
    if (others.length > 0) return pickDiffering(items, lines[parentIndex], step);
    if (parentIndex < 0) return undefined;
    parentIndex = parentOf(lines, parentIndex, lines[parentIndex]!.indent);
  }
  return undefined;
}

function pickDiffering(items: ContentLine[], parent: ContentLine | undefined, step: number): Misindentation | undefined {
  const counts = new Map<number, number>();
  for (const item of items) counts.set(item.indent, (counts.get(item.indent) ?? 0) + 1);
  if (counts.size < 2) return undefined;

  const highest = Math.max(...counts.values());
  const leading = [...counts.entries()].filter(([, count]) => count === highest).map(([indent]) => indent);
  const stepIndent = parent === undefined ? 0 : parent.indent + step;
  let expected = leading[0]!;
  if (leading.length > 1) expected = leading.includes(stepIndent) ? stepIndent : items[0]!.indent;

  const wrong = items.find((item) => item.indent !== expected);
  const sibling = items.find((item) => item.indent === expected);
  if (!wrong || !sibling) return undefined;
  return misindented(wrong, expected, sibling);
}

function misindented(line: ContentLine, expectedIndent: number, sibling: ContentLine): Misindentation {
  const siblingIsKeyOfListItem = sibling.dash && !line.dash;
  return {
    line: line.line,
    column: line.indent + 1,
    expectedColumn: expectedIndent + 1,
    item: itemName(line),
    sibling: { line: sibling.line, item: siblingIsKeyOfListItem ? (sibling.key ?? '-') : itemName(sibling) },
    collection: line.dash ? 'list' : 'mapping',
  };
}

/** Index of the nearest line above `index` indented less than `indent`, or -1 for the document's top level. */
function parentOf(lines: ContentLine[], index: number, indent: number): number {
  for (let candidate = index - 1; candidate >= 0; candidate--) {
    if (lines[candidate]!.indent < indent) return candidate;
  }
  return -1;
}

/**
 * Returns the items of the block below the parent that are of the same kind
 * as `line` (list items or mapping keys). A line is an item when no earlier
 * line of the block is indented less, because deeper lines belong to an
 * item's value. `line` itself always counts.
 */
function blockItems(lines: ContentLine[], parentIndex: number, line: ContentLine): ContentLine[] {
  const parentIndent = parentIndex < 0 ? -1 : lines[parentIndex]!.indent;
  const items: ContentLine[] = [];
  let smallest = Number.POSITIVE_INFINITY;
  for (let index = parentIndex + 1; index < lines.length; index++) {
    const candidate = lines[index]!;
    if (candidate.indent <= parentIndent) break;
    const isItem = candidate.indent <= smallest || candidate === line;
    smallest = Math.min(smallest, candidate.indent);
    if (isItem && candidate.dash === line.dash) items.push(candidate);
  }
  return items;
}

/** Returns the most common step from a key that opens a block to the block's first line, or 2 when there is none. */
function indentStep(lines: ContentLine[]): number {
  const counts = new Map<number, number>();
  for (const [index, line] of lines.entries()) {
    const next = lines[index + 1];
    if (line.key === undefined || line.inlineValue || line.dash || !next || next.indent <= line.indent) continue;
    const step = next.indent - line.indent;
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let best = 2;
  let bestCount = 0;
  for (const [step, count] of counts) {
    if (count > bestCount) {
      best = step;
      bestCount = count;
    }
  }
  return best;
}

function itemName(line: ContentLine): string {
  return line.dash ? '-' : (line.key ?? '-');
}

/**
 * Splits the text into lines with content, skipping blank lines,
 * comments, document markers and the lines of block scalars (`|`, `>`).
 * Lines indented with tabs are skipped too, because YAML forbids tabs there
 * and the yaml library reports them itself.
 */
function contentLines(text: string): ContentLine[] {
  const lines: ContentLine[] = [];
  let blockScalarIndent: number | undefined;
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const indent = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (body === '' || body.startsWith('#')) continue;
    if (blockScalarIndent !== undefined && indent > blockScalarIndent) continue;
    blockScalarIndent = undefined;
    if (raw.slice(0, indent).includes('\t') || body === '---' || body === '...') continue;

    const dashMatch = /^(?:-(?: +|$))+/.exec(body);
    const dash = dashMatch !== null;
    const afterDash = dash ? body.slice(dashMatch[0].length) : body;
    const keyMatch = /^("[^"]*"|'[^']*'|[^\s#'"{[][^:#]*?)\s*:(?:\s+(.*)|$)/.exec(afterDash);
    const value = keyMatch?.[2]?.replace(/\s+#.*$/, '').trim() ?? '';
    lines.push({
      line: index + 1,
      indent,
      keyIndent: indent + (dash ? dashMatch[0].length : 0),
      dash,
      key: keyMatch ? keyMatch[1]!.replace(/^["']|["']$/g, '') : undefined,
      inlineValue: value !== '',
    });
    if (/^[|>][-+0-9]*$/.test(value) || (!keyMatch && /^[|>][-+0-9]*$/.test(afterDash))) blockScalarIndent = indent;
  }
  return lines;
}
