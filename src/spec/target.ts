import { featureSet, type FeatureSet } from '../nginx/features.js';
import { defaultVersionText, formatVersion, parseVersion, supportedRangeText, unsupportedReason, type Edition, type NginxVersion } from '../nginx/version.js';

/** The nginx build a spec is compiled for. */
export interface Target {
  version: NginxVersion;
  /** The version as the user wrote it, such as 1.30 or 1.26.3. */
  versionText: string;
  edition: Edition;
  features: FeatureSet;
}

/** Options that override the spec's target, from --nginx-version and --edition. */
export interface TargetOverride {
  nginxVersion?: string;
  edition?: Edition;
}

export type TargetResult = { target: Target } | { error: string; hint: string; fromOverride: boolean };

export function resolveTarget(specTarget: { nginx?: string; edition?: Edition } | undefined, override: TargetOverride = {}): TargetResult {
  const fromOverride = override.nginxVersion !== undefined;
  const text = override.nginxVersion ?? specTarget?.nginx ?? defaultVersionText;
  const edition = override.edition ?? specTarget?.edition ?? 'oss';

  const version = parseVersion(text);
  if (!version) {
    return { error: `invalid nginx version "${text}"`, hint: 'write a version such as 1.30 or 1.26.3', fromOverride };
  }
  const reason = unsupportedReason(version);
  if (reason) {
    return { error: `nginx ${text} is not supported: ${reason}`, hint: `target a version from ${supportedRangeText}`, fromOverride };
  }
  return { target: { version, versionText: formatVersion(version), edition, features: featureSet(version, edition) } };
}

/** Describes a target for messages, such as "nginx 1.26.3 (open source)". */
export function describeTarget(target: Target): string {
  return `nginx ${target.versionText} (${target.edition === 'plus' ? 'NGINX Plus' : 'open source'})`;
}
