import { relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

import { packagePath } from '../../paths.js';
import type { Severity } from '../../problems.js';
import { toolVersion } from '../../version.js';
import type { Finding } from '../linter.js';
import { ruleDocsPath, type RuleMeta } from '../rule.js';
import type { Target } from '../target.js';

/** SARIF has `note` where h2sticky has `info`. */
const sarifLevel: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * Formats findings as a SARIF 2.1.0 log with one run. File locations are
 * relative to `baseDirectory` and resolved against the `%SRCROOT%` base, so
 * code-scanning services can map them to the repository.
 */
export function formatSarif(findings: readonly Finding[], rules: readonly RuleMeta[], target: Target, baseDirectory: string): string {
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'h2sticky',
            version: toolVersion,
            semanticVersion: toolVersion,
            // The package has no web site; its lint guide ships with it under docs/.
            informationUri: pathToFileURL(packagePath('docs', 'lint.md')).href,
            rules: rules.map((rule) => ({
              id: rule.id,
              shortDescription: { text: rule.description },
              help: { text: `See ${ruleDocsPath(rule.id)} in the h2sticky package.` },
              helpUri: pathToFileURL(packagePath(ruleDocsPath(rule.id))).href,
              defaultConfiguration: { level: sarifLevel[rule.severity] },
              properties: { category: rule.category },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: `${pathToFileUri(baseDirectory)}/` } },
        properties: { nginxVersion: target.version, edition: target.edition },
        results: findings.map((finding) => ({
          ruleId: finding.code,
          ...(ruleIndex.has(finding.code) ? { ruleIndex: ruleIndex.get(finding.code) } : {}),
          level: sarifLevel[finding.severity],
          message: { text: finding.hint ? `${finding.message}. Fix: ${finding.hint}` : finding.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: relativeUri(finding.file, baseDirectory), uriBaseId: '%SRCROOT%' },
                // Some nginx -t messages name no line, and none names a column; those get no region or no startColumn.
                ...(finding.line !== undefined ? { region: { startLine: finding.line, ...(finding.column !== undefined ? { startColumn: finding.column } : {}) } } : {}),
              },
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function relativeUri(file: string, baseDirectory: string): string {
  const path = relative(baseDirectory, file).split(sep).join('/');
  return path.split('/').map(encodeURIComponent).join('/');
}

function pathToFileUri(path: string): string {
  return `file://${path.split(sep).map(encodeURIComponent).join('/')}`;
}
