import type { Finding } from '../linter.js';
import type { Target } from '../target.js';
import { countBySeverity } from './stylish.js';

/** Formats findings as one JSON document with the target, the findings and their counts. */
export function formatJson(findings: readonly Finding[], target: Target, suppressed: number): string {
  const document = {
    target,
    findings: findings.map((finding) => ({
      rule: finding.code,
      severity: finding.severity,
      message: finding.message,
      hint: finding.hint ?? null,
      file: finding.file,
      line: finding.line ?? null,
      column: finding.column ?? null,
      // How many include sites of the file produced this finding.
      count: finding.includeCount ?? 1,
    })),
    summary: { ...countBySeverity(findings), suppressed },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
