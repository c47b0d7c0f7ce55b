import { isAbsolute, relative, resolve, sep } from 'node:path';
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
 * Formats findings as a SARIF 2.1.0 log with one run. A file inside
 * `baseDirectory` gets a URI relative to the `%SRCROOT%` base, which is that
 * directory, so code-scanning services can map it to the repository. A file
 * outside it gets an absolute `file://` URI.
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
          // SARIF 2.1.0 result.occurrenceCount: one result for a finding that several includes of the file produce.
          ...(finding.includeCount !== undefined && finding.includeCount > 1 ? { occurrenceCount: finding.includeCount } : {}),
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifactLocation(finding.file, baseDirectory),
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

function artifactLocation(file: string, baseDirectory: string): { uri: string; uriBaseId?: string } {
  const path = relative(baseDirectory, file);
  // A path that climbs out of the base with ".." is outside it, and a code-scanning service cannot map it to the repository.
  if (path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path)) return { uri: pathToFileUri(resolve(baseDirectory, file)) };
  return { uri: path.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function pathToFileUri(path: string): string {
  return `file://${path.split(sep).map(encodeURIComponent).join('/')}`;
}
