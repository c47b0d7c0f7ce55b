import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';

import type { Problem } from '../problems.js';
import { findMisindentation, type Misindentation } from './indentation.js';

/** A parsed spec file with the source positions of its nodes. */
export interface LoadedSpec {
  /** The file name as the user gave it; problems name it. */
  file: string;
  text: string;
  /** SHA-256 of the file's bytes, lowercase hex; the generated config's header names it. */
  digest: string;
  /** The document as plain JSON data. */
  data: unknown;
  /** Finds the line and column of the node at a JSON pointer, or of its key. */
  locate(pointer: string, part?: 'value' | 'key'): { line: number; column: number };
}

export interface LoadResult {
  spec?: LoadedSpec;
  problems: Problem[];
}

/** What kind of document a loader reads: it names problem codes and the messages for an empty or unreadable file. */
export interface DocumentKind {
  /** Prefix of problem codes, such as `spec` or `scenario`. */
  codePrefix: string;
  /** The noun messages use, such as `spec` or `scenario`. */
  noun: string;
  /** The fix shown when the document is empty or its file is missing. */
  createHint: string;
  /** Returns the fix for a key that a mapping repeats; `parents` are the keys of the enclosing mappings, outermost first. */
  duplicateKeyHint: (key: string, parents: readonly string[]) => string;
}

/** Returns the fix for a repeated top-level key, or undefined for a key deeper in the document. */
export function topLevelDuplicateHint(key: string, parents: readonly string[]): string | undefined {
  if (parents.length > 0) return undefined;
  return `the top-level key ${JSON.stringify(key)} may appear once, so merge the two ${JSON.stringify(key)} sections into one`;
}

export const specDocumentKind: DocumentKind = {
  codePrefix: 'spec',
  noun: 'spec',
  createHint: 'run "h2sticky init" to write an example spec',
  duplicateKeyHint: (key, parents) => {
    const topLevel = topLevelDuplicateHint(key, parents);
    if (topLevel !== undefined) return topLevel;
    if (parents.length === 1 && parents[0] === 'upstreams') return 'names of upstreams must be unique, so rename or merge one of them';
    return `each key may appear once in a mapping, so remove or merge one of the two ${JSON.stringify(key)} entries`;
  },
};

/** Returns the keys of the mappings that enclose the key starting at `offset`, outermost first; sequence items add none. */
function parentKeysAt(document: Document, offset: number): string[] {
  let parents: string[] = [];
  visit(document, {
    Pair: (_, pair, path) => {
      if (!isNode(pair.key) || pair.key.range?.[0] !== offset) return undefined;
      parents = path.filter(isPair).map((enclosing) => (isScalar(enclosing.key) ? String(enclosing.key.value) : ''));
      return visit.BREAK;
    },
  });
  return parents;
}

/** Parses spec text (YAML 1.2 or JSON, which YAML reads as well) and keeps node positions. */
export function loadSpecText(text: string, file: string, kind: DocumentKind = specDocumentKind): LoadResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const problems: Problem[] = [];

  const syntaxErrorLines = new Set<number>();
  for (const error of document.errors) {
    const position = lineCounter.linePos(indentationEnd(text, error.pos[0]));
    const duplicate = error.code === 'DUPLICATE_KEY';
    const misindented = duplicate ? undefined : findMisindentation(text, { code: error.code, line: position.line, column: position.col });
    const line = misindented?.line ?? position.line;
    // One bad indentation makes the yaml library report several errors, on its line or on its siblings' lines; the first is reported.
    if (!duplicate && syntaxErrorLines.has(line)) continue;
    if (!duplicate) syntaxErrorLines.add(line);

    if (misindented) {
      problems.push(indentationProblem(misindented, file, kind));
      continue;
    }
    // The error marks the first character of the repeated key; the key runs to its colon.
    const key = (/^[^:\n]*/.exec(text.slice(error.pos[0]))?.[0] ?? '').trim();
    problems.push({
      code: `${kind.codePrefix}.${duplicate ? 'duplicate-key' : 'syntax'}`,
      severity: 'error',
      message: duplicate ? `duplicate key ${JSON.stringify(key)} in a mapping` : `invalid YAML: ${firstLine(error.message)}`,
      hint: duplicate
        ? kind.duplicateKeyHint(key, parentKeysAt(document, error.pos[0]))
        : 'fix the YAML syntax at this position; JSON is accepted as well',
      file,
      line: position.line,
      column: position.col,
    });
  }
  // Other syntax errors leave no trustworthy document; a repeated key does, so every other check can still run.
  if (problems.some((problem) => problem.code !== 'spec.duplicate-key')) return { problems };

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return {
      problems: [
        {
          code: `${kind.codePrefix}.syntax`,
          severity: 'error',
          message: `invalid YAML: ${error instanceof Error ? error.message : String(error)}`,
          hint: 'remove YAML aliases that expand too much, or write the values out',
          file,
          line: 1,
          column: 1,
        },
      ],
    };
  }

  if (data === null || data === undefined) {
    return {
      problems: [
        {
          code: `${kind.codePrefix}.empty`,
          severity: 'error',
          message: `the ${kind.noun} is empty`,
          hint: kind.createHint,
          file,
          line: 1,
          column: 1,
        },
      ],
    };
  }

  const digest = createHash('sha256').update(text).digest('hex');
  const locate = (pointer: string, part: 'value' | 'key' = 'value') => {
    const offset = findOffset(document, parsePointer(pointer), part);
    const position = lineCounter.linePos(offset);
    return { line: position.line, column: position.col };
  };
  return { spec: { file, text, digest, data, locate }, problems };
}

function indentationProblem(misindented: Misindentation, file: string, kind: DocumentKind): Problem {
  const name = misindented.item === '-' ? 'the list item "-"' : `"${misindented.item}"`;
  const others = misindented.collection === 'list' ? 'the other items of this list' : 'the other keys of this mapping';
  const sibling = misindented.sibling.item === '-' ? 'the "-"' : `"${misindented.sibling.item}"`;
  return {
    code: `${kind.codePrefix}.syntax`,
    severity: 'error',
    message: `invalid YAML indentation: ${name} starts at column ${misindented.column}, but ${others} start at column ${misindented.expectedColumn}`,
    hint: `move ${name} to column ${misindented.expectedColumn}, like ${sibling} on line ${misindented.sibling.line}`,
    file,
    line: misindented.line,
    column: misindented.column,
  };
}

/**
 * Moves an error offset that lies in a line's leading spaces to the first
 * character after them. The yaml library marks indentation errors at the
 * start of the line (column 1), but the misplaced key or `-` is where the
 * spaces end. Tabs stay marked, because a tab is itself the error there.
 */
function indentationEnd(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (!/^ *$/.test(text.slice(lineStart, offset)) || text[offset] !== ' ') return offset;

  let end = offset;
  while (text[end] === ' ') end++;
  return end < text.length && text[end] !== '\n' && text[end] !== '\r' ? end : offset;
}

export async function loadSpecFile(path: string, displayName = path, kind: DocumentKind = specDocumentKind): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      problems: [
        {
          code: `${kind.codePrefix}.unreadable`,
          severity: 'error',
          message: code === 'ENOENT' ? `${kind.noun} file not found: ${path}` : `cannot read ${kind.noun} file ${path}: ${String(error)}`,
          hint: code === 'ENOENT' ? `check the path, or ${kind.createHint}` : 'check the file permissions',
          file: displayName,
        },
      ],
    };
  }
  return loadSpecText(text, displayName, kind);
}

/** Splits an RFC 6901 JSON pointer into its unescaped segments. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Joins segments into an RFC 6901 JSON pointer. */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * Walks the YAML node tree along the pointer and returns the source offset of
 * the deepest node reached, so a pointer into a missing property still lands
 * on its parent.
 */
function findOffset(document: Document, segments: string[], part: 'value' | 'key'): number {
  let node: unknown = document.contents;
  let offset = rangeStart(node) ?? 0;

  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (isMap(node)) {
      // The last of repeated keys, because that is the value the document's data holds.
      const pair = node.items.findLast((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === segment);
      if (!pair) return offset;
      if (last && part === 'key') return rangeStart(pair.key) ?? offset;
      node = pair.value;
      offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) return offset;
      node = item;
      offset = rangeStart(node) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
