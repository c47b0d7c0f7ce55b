import type { Comment } from './syntax.js';

/**
 * Inline suppressions, read from comments:
 *
 *     # h2sticky-disable-next-line backup-with-hash -- reason
 *     server 10.0.0.2 backup;   # h2sticky-disable-line backup-with-hash
 *     upstream u { … }          # h2sticky-disable-line ip-hash-behind-proxy (the whole block)
 *     # h2sticky-disable unknown-directive
 *     …
 *     # h2sticky-enable unknown-directive
 *
 * Without rule ids a comment covers every rule. Text after `--` is the reason
 * and is ignored.
 */
export interface Suppressions {
  isSuppressed(ruleId: string, file: string, line: number): boolean;
  /** Every rule id that a suppression comment names, with the comment's position and kind. */
  namedRuleIds: readonly NamedRuleId[];
}

export interface NamedRuleId {
  ruleId: string;
  /** The comment's directive, such as `h2sticky-disable-next-line`. */
  kind: string;
  file: string;
  line: number;
  column: number;
}

interface Region {
  file: string;
  startLine: number;
  endLine: number;
  /** Undefined means every rule. */
  ruleIds: Set<string> | undefined;
}

const commentPattern = /^\s*h2sticky-(disable-next-line|disable-line|disable|enable)\b(.*)$/;

export function readSuppressions(comments: readonly Comment[]): Suppressions {
  const regions: Region[] = [];
  const open = new Map<string, Region[]>();
  const namedRuleIds: NamedRuleId[] = [];

  for (const comment of comments) {
    const match = commentPattern.exec(comment.text);
    if (!match) continue;
    const kind = match[1];
    const ruleIds = parseRuleIds(match[2] ?? '');
    for (const ruleId of ruleIds ?? []) namedRuleIds.push({ ruleId, kind: `h2sticky-${kind}`, file: comment.file, line: comment.line, column: comment.column });

    if (kind === 'disable-next-line') regions.push({ file: comment.file, startLine: comment.line + 1, endLine: comment.line + 1, ruleIds });
    // After a `}`, the comment covers the whole block, which may have been one line before formatting.
    else if (kind === 'disable-line') regions.push({ file: comment.file, startLine: comment.blockLine ?? comment.line, endLine: comment.line, ruleIds });
    else if (kind === 'disable') {
      const region: Region = { file: comment.file, startLine: comment.line, endLine: Infinity, ruleIds };
      regions.push(region);
      const list = open.get(comment.file) ?? [];
      list.push(region);
      open.set(comment.file, list);
    } else {
      // `enable` closes the open regions of the same rules, or all of them without ids.
      for (const region of open.get(comment.file) ?? []) {
        if (region.endLine !== Infinity) continue;
        if (ruleIds === undefined || region.ruleIds === undefined || [...region.ruleIds].every((id) => ruleIds.has(id))) region.endLine = comment.line;
      }
    }
  }

  return {
    namedRuleIds,
    isSuppressed(ruleId, file, line) {
      return regions.some(
        (region) => region.file === file && line >= region.startLine && line <= region.endLine && (region.ruleIds === undefined || region.ruleIds.has(ruleId)),
      );
    },
  };
}

function parseRuleIds(text: string): Set<string> | undefined {
  const beforeReason = text.split(' -- ')[0] ?? '';
  const ids = beforeReason
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter((id) => id !== '' && id !== '--');
  return ids.length === 0 ? undefined : new Set(ids);
}
