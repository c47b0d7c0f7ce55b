/**
 * The certificate and key of every TLS server of a Plan, read when the
 * proxy starts or reloads. A server whose certificate or key file does not
 * exist can get the self-signed placeholder that `build --check` also uses,
 * so the proxy serves a spec written for another machine. A file that
 * exists but cannot be read, is not PEM, or does not pair with its
 * certificate is always an error, as nginx rejects it at startup.
 */

import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createSecureContext } from 'node:tls';

import { packagePath } from '../paths.js';
import type { Plan, PlanServer } from '../plan/types.js';
import { hasErrors, InputError, type Problem } from '../problems.js';

/** The PEM certificate chain and private key a TLS server presents. */
export interface ServerCredentials {
  cert: Buffer;
  key: Buffer;
  /** True when the placeholder certificate replaces missing files. */
  placeholder: boolean;
}

export type TlsCredentials = ReadonlyMap<PlanServer, ServerCredentials>;

/** A server that serves the placeholder certificate, for the start-up warning. */
export interface PlaceholderUse {
  serverName: string;
  /** The missing files, as written in the spec. */
  missing: string[];
  /** The spec setting of the first missing file, such as `/servers/0/tls/certificate`. */
  pointer: string;
}

export interface TlsFileOptions {
  /** The spec file name that problems carry. */
  file: string;
  /** Finds the line and column of a JSON pointer in the spec. Without it, problems carry no position. */
  locate?: (pointer: string) => { line: number; column: number };
  /** Report a missing file as an error instead of serving the placeholder. */
  requireFiles: boolean;
}

export interface TlsFilesResult {
  credentials: TlsCredentials;
  /** An error per unusable file, and a warning per server that gets the placeholder. */
  problems: Problem[];
  placeholders: PlaceholderUse[];
}

type Field = 'certificate' | 'key';

type FileRead = { kind: 'read'; content: Buffer } | { kind: 'missing' } | { kind: 'unreadable'; reason: string };

/** Reads and checks the certificate and key of each TLS server. A relative path is read from the current directory. */
export async function readTlsFiles(plan: Plan, options: TlsFileOptions): Promise<TlsFilesResult> {
  const credentials = new Map<PlanServer, ServerCredentials>();
  const problems: Problem[] = [];
  const placeholders: PlaceholderUse[] = [];
  let placeholder: ServerCredentials | undefined;

  for (const [index, server] of plan.servers.entries()) {
    if (!server.tls) continue;
    const serverName = server.serverNames[0] ?? '(no name)';
    const located = (field: Field, problem: Omit<Problem, 'file' | 'pointer'>): Problem => {
      const pointer = `/servers/${index}/tls/${field}`;
      return { ...problem, file: options.file, ...options.locate?.(pointer), pointer };
    };

    const paths = { certificate: server.tls.certificate, key: server.tls.key };
    const files = { certificate: await readTlsFile(paths.certificate), key: await readTlsFile(paths.key) };
    const before = problems.length;

    for (const field of ['certificate', 'key'] as const) {
      const file = files[field];
      if (file.kind === 'unreadable') {
        const hint = file.reason === 'EISDIR' ? `point tls.${field} at a file, not a directory` : `make the file readable by this user, or correct tls.${field} in the spec`;
        problems.push(located(field, { code: 'proxy.tls-unreadable', severity: 'error', message: `cannot read ${field} ${paths[field]}: ${file.reason}`, hint }));
      } else if (file.kind === 'read') {
        const invalid = field === 'certificate' ? checkCertificate(file.content) : checkKey(file.content);
        if (invalid) problems.push(located(field, { code: 'proxy.tls-invalid', severity: 'error', message: `${field} ${paths[field]} is not a valid PEM ${field === 'certificate' ? 'certificate' : 'private key'}: ${invalid}`, hint: pemHint(field) }));
      }
    }
    if (problems.length > before) continue;

    if (files.certificate.kind === 'read' && files.key.kind === 'read') {
      const mismatch = checkPair(files.certificate.content, files.key.content);
      if (mismatch) {
        problems.push(located('key', { code: 'proxy.tls-key-mismatch', severity: 'error', message: `key ${paths.key} does not belong to certificate ${paths.certificate}: ${mismatch}`, hint: 'point tls.key at the private key of the certificate' }));
        continue;
      }
      credentials.set(server, { cert: files.certificate.content, key: files.key.content, placeholder: false });
      continue;
    }

    const missing = (['certificate', 'key'] as const).filter((field) => files[field].kind === 'missing');
    const missingText = missing.map((field) => `${field} ${paths[field]}`).join(' and ');
    const verb = missing.length === 1 ? 'does' : 'do';
    const first = missing[0]!;
    if (options.requireFiles) {
      // A relative path is shown with the absolute path it was looked up at.
      const lookedUpText = missing.map((field) => (resolve(paths[field]) === paths[field] ? `${field} ${paths[field]}` : `${field} ${paths[field]} (${resolve(paths[field])})`)).join(' and ');
      problems.push(
        located(first, {
          code: 'proxy.tls-missing',
          severity: 'error',
          message: `${lookedUpText} ${verb} not exist`,
          hint: `create the ${missing.length === 1 ? 'file' : 'files'} or correct the paths in the spec, or leave out --require-tls-files to serve a self-signed placeholder certificate`,
        }),
      );
      continue;
    }

    placeholder ??= await readPlaceholder();
    credentials.set(server, placeholder);
    placeholders.push({ serverName, missing: missing.map((field) => paths[field]), pointer: `/servers/${index}/tls/${first}` });
    problems.push(
      located(first, {
        code: 'proxy.tls-placeholder',
        severity: 'warning',
        message: `${missingText} ${verb} not exist, so ${serverName} serves TLS with a self-signed placeholder certificate; clients must accept an untrusted certificate (curl -k; h2load does not check certificates)`,
        hint: `create the ${missing.length === 1 ? 'file' : 'files'} or correct the paths in the spec, or pass --require-tls-files to stop with an error instead`,
      }),
    );
  }
  return { credentials, problems, placeholders };
}

/** Reads the TLS files and raises InputError when any file is missing or unusable. */
export async function requireTlsFiles(plan: Plan): Promise<TlsCredentials> {
  const result = await readTlsFiles(plan, { file: plan.source.file, requireFiles: true });
  if (hasErrors(result.problems)) throw new InputError(result.problems, 'a TLS certificate or key of the spec is missing or unusable');
  return result.credentials;
}

async function readTlsFile(path: string): Promise<FileRead> {
  try {
    return { kind: 'read', content: await readFile(path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent in the path is a file, so the file cannot exist either.
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'unreadable', reason: code ?? (error as Error).message };
  }
}

/** Returns why the content is not a PEM certificate, or undefined when it is one. */
function checkCertificate(content: Buffer): string | undefined {
  // nginx reads certificates with PEM_read_bio_X509_AUX() in ngx_event_openssl.c, so it rejects DER, which node would parse.
  if (!content.includes('-----BEGIN CERTIFICATE-----')) return 'no "-----BEGIN CERTIFICATE-----" line';
  try {
    new X509Certificate(content);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Returns why the content is not a usable PEM private key, or undefined when it is one. */
function checkKey(content: Buffer): string | undefined {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(content.toString('latin1'))) return 'no "-----BEGIN ... PRIVATE KEY-----" line';
  try {
    createPrivateKey({ key: content, format: 'pem' });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Returns why the key does not pair with the certificate, or undefined when it does. */
function checkPair(cert: Buffer, key: Buffer): string | undefined {
  try {
    createSecureContext({ cert, key });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function pemHint(field: Field): string {
  return field === 'certificate'
    ? 'point tls.certificate at a PEM file that contains "-----BEGIN CERTIFICATE-----"'
    : 'point tls.key at an unencrypted PEM private key (the proxy has no passphrase for it)';
}

async function readPlaceholder(): Promise<ServerCredentials> {
  const [cert, key] = await Promise.all([readFile(packagePath('assets', 'placeholder-tls', 'placeholder.crt')), readFile(packagePath('assets', 'placeholder-tls', 'placeholder.key'))]);
  return { cert, key, placeholder: true };
}
