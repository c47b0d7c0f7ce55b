/** An nginx release number such as 1.30.6. */
export interface NginxVersion {
  major: number;
  minor: number;
  patch: number;
  /** False when the user named only a line, such as 1.30; the line's first release stands for it. */
  patchGiven: boolean;
}

export type Edition = 'oss' | 'plus';

/** The default target: the current stable line. */
export const defaultVersionText = '1.30';

/**
 * The oldest and newest nginx versions whose behaviour h2sticky models, for
 * every command that takes --nginx-version: any release from 1.22.0 up to
 * the last patch release of the 1.31 line.
 */
export const oldestSupported = parseVersion('1.22.0')!;
export const newestSupportedLine = { major: 1, minor: 31 };

/** The supported range as help text and messages write it. */
export const supportedRangeText = `${formatVersion(oldestSupported)} to ${newestSupportedLine.major}.${newestSupportedLine.minor}.x`;

/** Parses `1.30` or `1.30.6`; returns undefined for anything else. */
export function parseVersion(text: string): NginxVersion | undefined {
  const match = /^(\d{1,2})\.(\d{1,2})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: match[3] === undefined ? 0 : Number(match[3]),
    patchGiven: match[3] !== undefined,
  };
}

export function compareVersions(a: NginxVersion, b: NginxVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** True when `version` is `since` or later. */
export function atLeast(version: NginxVersion, since: string): boolean {
  const threshold = parseVersion(since);
  if (!threshold) throw new Error(`invalid version threshold ${since}`);
  return compareVersions(version, threshold) >= 0;
}

export function formatVersion(version: NginxVersion): string {
  return version.patchGiven ? `${version.major}.${version.minor}.${version.patch}` : `${version.major}.${version.minor}`;
}

/** Returns a reason when h2sticky does not model the version, or undefined when it does. */
export function unsupportedReason(version: NginxVersion): string | undefined {
  if (compareVersions(version, oldestSupported) < 0) return 'h2sticky models nginx 1.22.0 and later';
  const newest = { major: newestSupportedLine.major, minor: newestSupportedLine.minor, patch: 99, patchGiven: true };
  if (compareVersions(version, newest) > 0) {
    return `h2sticky models nginx up to the ${newestSupportedLine.major}.${newestSupportedLine.minor} line`;
  }
  return undefined;
}
