import type { Plan } from '../plan/types.js';
import { PlaceholderCertificates } from './placeholder-certificates.js';
import { renderConfig, type Layout } from './render.js';
import type { NginxMessage } from './runner/messages.js';
import type { NginxSource } from './runner/source.js';
import { testConfig } from './runner/test-config.js';
import { compareVersions } from './runner/version.js';

export interface CheckOptions {
  source: NginxSource;
  layout: Layout;
  /** Name that nginx's messages use for the generated file, such as the output path. */
  fileName: string;
}

export interface CheckResult {
  ok: boolean;
  /** The nginx version that ran the check. */
  version: string;
  messages: NginxMessage[];
  /** nginx's output as printed. */
  output: string;
  /** Things the user should know about the check itself, such as placeholder certificates. */
  notices: string[];
}

/**
 * Runs real `nginx -t` on the configuration a Plan renders to. Certificates
 * the config names but this machine lacks are replaced by a self-signed
 * placeholder for the check only: the replacement changes paths, never line
 * numbers, so nginx's messages point at the lines of the real output.
 */
export async function checkPlan(plan: Plan, options: CheckOptions): Promise<CheckResult> {
  const certificates = new PlaceholderCertificates();
  const checked: Plan = structuredClone(plan);
  for (const server of checked.servers) {
    if (!server.tls) continue;
    const paths = await certificates.pairFor(server.tls.certificate, server.tls.key);
    server.tls.certificate = paths.certificate;
    server.tls.key = paths.key;
  }

  // nginx -t opens log and pid files; paths of the target machine go into the check's own prefix instead.
  if (checked.logging.accessLog !== undefined && checked.logging.accessLog !== 'off') checked.logging.accessLog = 'logs/h2sticky-access.log';
  if (checked.runtime.errorLog !== undefined) checked.runtime.errorLog = 'logs/h2sticky-error.log';
  if (checked.runtime.pid !== undefined) checked.runtime.pid = 'logs/h2sticky.pid';

  const config = renderConfig(checked, options.layout);
  const result = await testConfig({
    source: options.source,
    config,
    layout: options.layout,
    fileName: options.fileName,
    files: certificates.files,
    mounts: [...certificates.mounts],
  });
  const notices = [...certificates.notices];

  const targetLine = `${plan.target.version.major}.${plan.target.version.minor}`;
  const checkingLine = result.version.split('.').slice(0, 2).join('.');
  if (compareVersions(`${checkingLine}.0`, `${targetLine}.0`) !== 0) {
    notices.push(`the config targets nginx ${plan.target.versionText} but was checked with nginx ${result.version}; pass --nginx-version ${result.version} or check with a matching nginx (--nginx-image)`);
  }
  if (plan.target.edition === 'plus' && result.edition !== 'plus') {
    notices.push(`the config targets NGINX Plus but was checked with open-source nginx ${result.version}, which may reject directives that only NGINX Plus has; check with an NGINX Plus build (--nginx-bin or --nginx-image) to be sure`);
  }
  return { ok: result.ok, version: result.version, messages: result.messages, output: result.output, notices };
}
