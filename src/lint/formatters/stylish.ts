import type { Severity } from '../../problems.js';
import type { Finding } from '../linter.js';

/** Formats findings for a terminal: one group per file, `line:column  severity  message  rule`, then a count. */
export function formatStylish(findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  const lines: string[] = [];
  let currentFile: string | undefined;

  for (const finding of findings) {
    if (finding.file !== currentFile) {
      if (currentFile !== undefined) lines.push('');
      lines.push(finding.file);
      currentFile = finding.file;
    }
    const position = formatPosition(finding.line, finding.column).padEnd(8);
    lines.push(`  ${position} ${finding.severity.padEnd(7)}  ${finding.message}  ${finding.code}`);
    if (finding.hint) lines.push(`  ${''.padEnd(8)} ${''.padEnd(7)}  fix: ${finding.hint}`);
    if (finding.includeCount !== undefined && finding.includeCount > 1) {
      lines.push(`  ${''.padEnd(8)} ${''.padEnd(7)}  applies to ${finding.includeCount} includes of this file`);
    }
  }

  const counts = countBySeverity(findings);
  const total = findings.length;
  lines.push('', `${total} problem${total === 1 ? '' : 's'} (${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info} info)`);
  return `${lines.join('\n')}\n`;
}

/** `line:column`, the line alone, or nothing, as far as the finding is located. */
function formatPosition(line: number | undefined, column: number | undefined): string {
  if (line === undefined) return '';
  return column === undefined ? String(line) : `${line}:${column}`;
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}
