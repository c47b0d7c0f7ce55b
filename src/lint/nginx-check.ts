import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

import type { Severity } from '../problems.js';
import { PlaceholderCertificates } from '../nginx/placeholder-certificates.js';
import type { NginxLogLevel, NginxMessage } from '../nginx/runner/messages.js';
import type { ExtraFile } from '../nginx/runner/prefix.js';
import type { NginxSource } from '../nginx/runner/source.js';
import { testConfig } from '../nginx/runner/test-config.js';
import { compareFindings, type Finding } from './linter.js';
import { replaceFirstArguments, type ArgumentReplacement } from './replace-arguments.js';
import type { Directive, ParsePayload } from './syntax.js';

/** The code of findings that come from real `nginx -t` rather than from a rule. */
export const nginxCheckCode = 'nginx-t';

export interface NginxCheckResult {
  /** True when nginx accepted the configuration. */
  ok: boolean;
  /** Version of the nginx that ran the check. */
  version: string;
  findings: Finding[];
  /** Things the user should know about the check itself, such as placeholder certificates. */
  notices: string[];
}

/**
 * Certificate and key directives whose files nginx -t opens, by the directive
 * that names the matching key. The `proxy_`, `grpc_` and `uwsgi_` forms are
 * client certificates for backends; nginx loads them at test time as well.
 */
const certificateKeyPairs: ReadonlyMap<string, string> = new Map([
  ['ssl_certificate', 'ssl_certificate_key'],
  ['proxy_ssl_certificate', 'proxy_ssl_certificate_key'],
  ['grpc_ssl_certificate', 'grpc_ssl_certificate_key'],
  ['uwsgi_ssl_certificate', 'uwsgi_ssl_certificate_key'],
]);

/** CA certificate files that nginx -t opens; a placeholder certificate is a valid CA file for the check. */
const caCertificateDirectives: ReadonlySet<string> = new Set([
  'ssl_client_certificate',
  'ssl_trusted_certificate',
  'proxy_ssl_trusted_certificate',
  'grpc_ssl_trusted_certificate',
  'uwsgi_ssl_trusted_certificate',
]);

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
 * findings on the original files. Certificates and keys that are not
 * readable here are replaced by a self-signed placeholder for the check, as
 * `build --check` does, and each replacement adds a notice. Raises
 * EnvironmentError when nginx or Docker is missing.
 *
 * NOTE: only includes inside the main file's directory are copied. nginx
 * reads includes given as absolute paths from where it runs (the local
 * machine or the container), and includes outside the directory are missing.
 * Other files that nginx -t opens, such as `ssl_dhparam` and `ssl_crl`, get
 * no placeholder.
 */
export async function runNginxCheck(mainFile: string, payload: ParsePayload, source: NginxSource): Promise<NginxCheckResult> {
  const directory = dirname(mainFile);
  const certificates = new PlaceholderCertificates(directory);
  const texts = new Map<string, string>();
  for (const entry of payload.config) {
    const replacements = await certificateReplacements(entry.parsed, certificates);
    const text = readFileSync(entry.file, 'utf8');
    texts.set(entry.file, replacements.length === 0 ? text : replaceFirstArguments(text, replacements));
  }

  const files: ExtraFile[] = [...certificates.files];
  for (const entry of payload.config.slice(1)) {
    const path = relative(directory, entry.file);
    if (path.startsWith('..') || isAbsolute(path)) continue;
    files.push({ path: path.split(sep).join('/'), content: texts.get(entry.file) ?? '' });
  }

  const result = await testConfig({
    source,
    config: texts.get(mainFile) ?? readFileSync(mainFile, 'utf8'),
    layout: 'full',
    fileName: mainFile,
    files,
    mounts: [...certificates.mounts],
  });
  const findings = result.messages.map((message) => toFinding(message, mainFile, directory));
  return { ok: result.ok, version: result.version, findings, notices: certificates.notices };
}

/** Chooses the path nginx -t opens for each certificate, key and CA file in the directives and their blocks. */
async function certificateReplacements(directives: readonly Directive[], certificates: PlaceholderCertificates): Promise<ArgumentReplacement[]> {
  const replacements: ArgumentReplacement[] = [];
  const replace = (directive: Directive, path: string) => {
    if (path !== directive.args[0]) replacements.push({ line: directive.line, column: directive.column, value: path });
  };

  // A certificate pairs with the key of the same kind in the same block, in order, as nginx pairs them.
  for (const [certificateName, keyName] of certificateKeyPairs) {
    const certificateDirectives = directives.filter((directive) => directive.directive === certificateName && namesFile(directive));
    const keyDirectives = directives.filter((directive) => directive.directive === keyName && namesFile(directive));
    for (let index = 0; index < Math.max(certificateDirectives.length, keyDirectives.length); index++) {
      const certificate = certificateDirectives[index];
      const key = keyDirectives[index];
      if (certificate && key) {
        const paths = await certificates.pairFor(certificate.args[0]!, key.args[0]!);
        replace(certificate, paths.certificate);
        replace(key, paths.key);
      } else if (certificate) {
        replace(certificate, await certificates.pathFor(certificate.args[0]!, 'crt'));
      } else if (key) {
        replace(key, await certificates.pathFor(key.args[0]!, 'key'));
      }
    }
  }
  for (const directive of directives) {
    if (caCertificateDirectives.has(directive.directive) && namesFile(directive)) replace(directive, await certificates.pathFor(directive.args[0]!, 'crt'));
  }

  for (const directive of directives) {
    if (directive.block) replacements.push(...(await certificateReplacements(directive.block, certificates)));
  }
  return replacements;
}

/**
 * True when the first argument is a file path. nginx loads a path with
 * variables at each handshake, not at test time (since 1.15.9), and `data:`
 * and `engine:` values name no file.
 */
function namesFile(directive: Directive): boolean {
  const path = directive.args[0];
  return path !== undefined && !path.includes('$') && !path.startsWith('data:') && !path.startsWith('engine:');
}

function toFinding(message: NginxMessage, mainFile: string, directory: string): Finding {
  let file = mainFile;
  if (message.file !== undefined && message.file !== mainFile) file = isAbsolute(message.file) ? message.file : join(directory, message.file);
  return {
    code: nginxCheckCode,
    severity: severityOfLevel[message.level],
    message: `nginx: [${message.level}] ${message.text}`,
    file,
    // nginx names a line, never a column, and some messages (such as a certificate that fails to load) name neither.
    ...(message.line !== undefined ? { line: message.line } : {}),
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
