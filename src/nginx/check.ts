import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';

import { packagePath } from '../paths.js';
import type { Plan } from '../plan/types.js';
import { renderConfig, type Layout } from './render.js';
import type { NginxMessage } from './runner/messages.js';
import type { ExtraFile } from './runner/prefix.js';
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
  const notices: string[] = [];
  const files: ExtraFile[] = [];
  const mounts = new Set<string>();
  const placeholders = new Map<string, string>();

  const placeholderFor = async (path: string, kind: 'crt' | 'key') => {
    const known = placeholders.get(path);
    if (known) return known;
    const name = `h2sticky-placeholder/${placeholders.size + 1}.${kind}`;
    files.push({ path: name, content: await readFile(packagePath('assets', 'placeholder-tls', `placeholder.${kind}`)) });
    placeholders.set(path, name);
    notices.push(`${kind === 'crt' ? 'certificate' : 'key'} ${path} is not readable here; nginx -t used a self-signed placeholder in its place`);
    return name;
  };

  const checked: Plan = structuredClone(plan);
  for (const server of checked.servers) {
    if (!server.tls) continue;
    for (const [field, kind] of [['certificate', 'crt'], ['key', 'key']] as const) {
      const path = server.tls[field];
      if (isAbsolute(path) && (await readable(path))) {
        mounts.add(dirname(path));
      } else {
        server.tls[field] = await placeholderFor(path, kind);
      }
    }
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
    files,
    mounts: [...mounts],
  });

  const targetLine = `${plan.target.version.major}.${plan.target.version.minor}`;
  const checkingLine = result.version.split('.').slice(0, 2).join('.');
  if (compareVersions(`${checkingLine}.0`, `${targetLine}.0`) !== 0) {
    notices.push(`the config targets nginx ${plan.target.versionText} but was checked with nginx ${result.version}; pass --nginx-version ${result.version} or check with a matching nginx (--nginx-image)`);
  }
  return { ok: result.ok, version: result.version, messages: result.messages, output: result.output, notices };
}

async function readable(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
