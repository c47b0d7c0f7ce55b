import { parseVersion, supportedRangeText, unsupportedReason } from '../nginx/version.js';
import { InputError } from '../problems.js';

export type Edition = 'oss' | 'plus';

/** The nginx build a configuration is meant for. */
export interface Target {
  /** nginx version as `major.minor.patch`. For NGINX Plus, the open-source version its release is based on. */
  version: string;
  edition: Edition;
}

/** nginx in Debian sid (1.30.6) is the newest packaged release, so it is the default target. */
export const defaultTarget: Target = { version: '1.30.6', edition: 'oss' };

const versionPattern = /^(\d+)\.(\d+)(?:\.(\d+))?$/;

/** Version numbers by text, because rules compare the target with a few fixed versions for each directive they visit. */
const versionNumbers = new Map<string, number>();
/** Texts cached at most; versions come from rules and user input, so there are few unless the input is odd. */
const maxCachedVersions = 1_000;

/** Turns `1.25.1` into a number that orders versions; a missing patch counts as 0. */
export function versionNumber(version: string): number {
  const cached = versionNumbers.get(version);
  if (cached !== undefined) return cached;

  const match = versionPattern.exec(version);
  const number = match ? Number(match[1]) * 1_000_000 + Number(match[2]) * 1_000 + Number(match[3] ?? 0) : Number.NaN;
  if (versionNumbers.size < maxCachedVersions) versionNumbers.set(version, number);
  return number;
}

/** True when `target` is at least `version`. */
export function atLeast(target: Target, version: string): boolean {
  return versionNumber(target.version) >= versionNumber(version);
}

/**
 * Reads a version given by the user. `1.26` means `1.26.0`. Versions outside
 * the range that `build` also accepts (1.22.0 to 1.31.x) are rejected.
 *
 * NOTE: the directive table was read from nginx sources up to 1.31.4, so a
 * later 1.31 patch release is linted with the directives of 1.31.4.
 */
export function parseTarget(version: string | undefined, edition: string | undefined, source = '--nginx-version'): Target {
  const text = version ?? defaultTarget.version;
  const parsed = parseVersion(text);
  if (!parsed) {
    throw new InputError([
      {
        code: 'invalid-nginx-version',
        severity: 'error',
        message: `${source}: "${text}" is not an nginx version`,
        hint: 'Write it as MAJOR.MINOR or MAJOR.MINOR.PATCH, for example 1.26.3.',
      },
    ], `invalid ${source}`);
  }
  const normalized = `${parsed.major}.${parsed.minor}.${parsed.patch}`;
  if (unsupportedReason(parsed) !== undefined) {
    throw new InputError([
      {
        code: 'unsupported-nginx-version',
        severity: 'error',
        message: `${source}: nginx ${normalized} is outside the supported range ${supportedRangeText}`,
        hint: `Choose a version from ${supportedRangeText}.`,
      },
    ], `unsupported ${source}`);
  }
  const chosenEdition = edition ?? defaultTarget.edition;
  if (chosenEdition !== 'oss' && chosenEdition !== 'plus') {
    throw new InputError([
      {
        code: 'invalid-edition',
        severity: 'error',
        message: `--edition: "${chosenEdition}" is not an nginx edition`,
        hint: 'Use "oss" for open-source nginx or "plus" for NGINX Plus.',
      },
    ], 'invalid --edition');
  }
  return { version: normalized, edition: chosenEdition };
}
