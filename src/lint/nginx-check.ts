import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

import type { Severity } from '../problems.js';
import type { NginxLogLevel, NginxMessage } from '../nginx/runner/messages.js';
import type { ExtraFile } from '../nginx/runner/prefix.js';
import type { NginxSource } from '../nginx/runner/source.js';
import { testConfig } from '../nginx/runner/test-config.js';
import { compareFindings, type Finding } from './linter.js';
import type { ParsePayload } from './syntax.js';

/** The code of findings that come from real `nginx -t` rather than from a rule. */
export const nginxCheckCode = 'nginx-t';

export interface NginxCheckResult {
  /** True when nginx accepted the configuration. */
  ok: boolean;
  /** Version of the nginx that ran the check. */
  version: string;
  findings: Finding[];
}

const severityOfLevel: Readonly<Record<NginxLogLevel, Severity>> = {
  emerg: 'error',
  alert: 'error',
  crit: 'error',
  error: 'error',
  warn: 'warning',
  notice: 'info',
  info: 'info',
  debug: 'info',
};

/**
 * Runs real `nginx -t` on a parsed configuration, with its included files
 * copied beside it in a temporary prefix, and returns nginx's messages as
 * findings on the original files. Raises EnvironmentError when nginx or
 * Docker is missing.
 *
 * NOTE: only includes inside the main file's directory are copied. nginx
 * reads includes given as absolute paths from where it runs (the local
 * machine or the container), and includes outside the directory are missing.
 */
export async function runNginxCheck(mainFile: string, payload: ParsePayload, source: NginxSource): Promise<NginxCheckResult> {
  const directory = dirname(mainFile);
  const files: ExtraFile[] = [];
  for (const entry of payload.config.slice(1)) {
    const path = relative(directory, entry.file);
    if (path.startsWith('..') || isAbsolute(path)) continue;
    files.push({ path: path.split(sep).join('/'), content: readFileSync(entry.file) });
  }

  const result = await testConfig({ source, config: readFileSync(mainFile, 'utf8'), layout: 'full', fileName: mainFile, files });
  const findings = result.messages.map((message) => toFinding(message, mainFile, directory));
  return { ok: result.ok, version: result.version, findings };
}

function toFinding(message: NginxMessage, mainFile: string, directory: string): Finding {
  let file = mainFile;
  if (message.file !== undefined && message.file !== mainFile) file = isAbsolute(message.file) ? message.file : join(directory, message.file);
  return {
    code: nginxCheckCode,
    severity: severityOfLevel[message.level],
    message: `nginx: [${message.level}] ${message.text}`,
    file,
    line: message.line ?? 0,
    column: 0,
  };
}

/**
 * Adds nginx's findings to the rules' findings, leaving out each nginx
 * message that a rule already reported on the same line in nginx's words
 * (such as `unknown directive "sticky"`).
 */
export function mergeNginxFindings(ruleFindings: readonly Finding[], nginxFindings: readonly Finding[]): Finding[] {
  const merged = [...ruleFindings];
  for (const finding of nginxFindings) {
    const text = finding.message.replace(/^nginx: \[\w+\] /, '');
    const duplicate = ruleFindings.some((existing) => existing.file === finding.file && existing.line === finding.line && existing.message.startsWith(text));
    if (!duplicate) merged.push(finding);
  }
  return merged.sort(compareFindings);
}
