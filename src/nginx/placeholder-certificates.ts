import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';

import { packagePath } from '../paths.js';
import type { ExtraFile } from './runner/prefix.js';

export type CertificateKind = 'crt' | 'key';

/**
 * Chooses the file that `nginx -t` opens for each certificate and key that a
 * config names. nginx loads every one of them while it tests a config, so a
 * certificate that lives only on the target machine makes the check fail.
 * Such a path gets a self-signed placeholder (assets/placeholder-tls) that is
 * written beside the checked config, and a notice names the path. Readable
 * certificates stay, and their directories are mounted when the check runs in
 * Docker.
 */
export class PlaceholderCertificates {
  /** Placeholder files to write beside the checked config. */
  readonly files: ExtraFile[] = [];
  /** Directories of readable certificates, for a Docker check to mount at the same path. */
  readonly mounts = new Set<string>();
  /** One sentence for each path that got a placeholder. */
  readonly notices: string[] = [];
  private readonly placeholders = new Map<string, string>();

  /**
   * @param relativeTo Directory that relative paths are joined to, as nginx joins
   *   them to its configuration prefix. Without it a relative path always gets a
   *   placeholder, because it names a file on the machine that will run nginx.
   */
  constructor(private readonly relativeTo?: string) {}

  /** Returns the path nginx -t should open for `path`: the readable file itself, or a placeholder. */
  async pathFor(path: string, kind: CertificateKind): Promise<string> {
    const readablePath = await this.readablePath(path);
    if (readablePath !== undefined) {
      this.mounts.add(dirname(readablePath));
      return readablePath;
    }
    return this.placeholderFor(path, kind);
  }

  /**
   * Returns the paths for a certificate and its key. When either one is
   * missing, both get the placeholder pair, because nginx rejects a
   * certificate whose key does not match it.
   */
  async pairFor(certificate: string, key: string): Promise<{ certificate: string; key: string }> {
    const readableCertificate = await this.readablePath(certificate);
    const readableKey = await this.readablePath(key);
    if (readableCertificate !== undefined && readableKey !== undefined) {
      this.mounts.add(dirname(readableCertificate));
      this.mounts.add(dirname(readableKey));
      return { certificate: readableCertificate, key: readableKey };
    }
    return { certificate: await this.placeholderFor(certificate, 'crt'), key: await this.placeholderFor(key, 'key') };
  }

  private async readablePath(path: string): Promise<string | undefined> {
    let absolute: string | undefined;
    if (isAbsolute(path)) absolute = path;
    else if (this.relativeTo !== undefined) absolute = resolve(this.relativeTo, path);
    if (absolute === undefined) return undefined;
    return (await readable(absolute)) ? absolute : undefined;
  }

  private async placeholderFor(path: string, kind: CertificateKind): Promise<string> {
    const known = this.placeholders.get(`${kind}:${path}`);
    if (known) return known;

    const name = `h2sticky-placeholder/${this.placeholders.size + 1}.${kind}`;
    this.files.push({ path: name, content: await readFile(packagePath('assets', 'placeholder-tls', `placeholder.${kind}`)) });
    this.placeholders.set(`${kind}:${path}`, name);
    const noun = kind === 'crt' ? 'certificate' : 'key';
    const reason = (await this.readablePath(path)) === undefined ? 'is not readable here' : `belongs with a ${kind === 'crt' ? 'key' : 'certificate'} that is not readable here`;
    this.notices.push(`${noun} ${path} ${reason}; nginx -t used a self-signed placeholder in its place`);
    return name;
  }
}

async function readable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
