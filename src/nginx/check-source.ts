import type { Plan } from '../plan/types.js';
import { EnvironmentError } from '../problems.js';
import { describeDockerHost, resolveDockerHost } from './runner/docker.js';
import { readNginxBuildInfo } from './runner/executor.js';
import { listNginxImages, nginxImageRepository, pickNginxImage, type NginxImage } from './runner/images.js';
import type { NginxSource } from './runner/source.js';

/**
 * The nginx lines whose images scripts/nginx-images.sh builds, one per Debian
 * suite it installs nginx from.
 * NOTE: sid moves to new nginx releases; 1.30 is its line as Debian packaged it
 * when this table was written, so update it when sid's nginx changes line.
 */
const imageScriptLines = [
  { suite: 'bookworm', line: '1.22' },
  { suite: 'trixie', line: '1.26' },
  { suite: 'sid', line: '1.30' },
] as const;

/** The nginx that `build --check` runs when no --nginx-bin or --nginx-image is given, and why. */
export interface DefaultCheckSource {
  source: NginxSource;
  /** Reason a Docker image replaces the local binary; undefined when the local binary is used. */
  notice?: string;
}

/**
 * Chooses the nginx for `build --check` when the user named none. The local
 * binary is used when its major.minor line is the target's. Otherwise the
 * h2sticky/nginx image of that line is used: the exact version when it
 * exists, else the newest patch release.
 *
 * Raises EnvironmentError when no nginx of the target's line is available,
 * because an nginx of another line rejects directives it does not have,
 * and that rejection would look like a broken config. It also raises for an
 * NGINX Plus target, which the open-source binaries cannot check.
 */
export async function chooseDefaultCheckSource(plan: Plan): Promise<DefaultCheckSource> {
  const { major, minor } = plan.target.version;
  const line = `${major}.${minor}`;
  if (plan.target.edition === 'plus') throw plusTargetError(plan.target.versionText);

  const local: NginxSource = { kind: 'local', bin: 'nginx' };
  let localVersion: string | undefined;
  try {
    localVersion = (await readNginxBuildInfo(local)).version;
  } catch (error) {
    // A missing local nginx leaves Docker as the only choice.
    if (!(error instanceof EnvironmentError)) throw error;
  }
  if (localVersion !== undefined && localVersion.split('.').slice(0, 2).join('.') === line) return { source: local };

  let images: NginxImage[];
  try {
    images = await listNginxImages();
  } catch (error) {
    const reason = error instanceof EnvironmentError ? error.message : `listing the ${nginxImageRepository} images failed: ${error instanceof Error ? error.message : String(error)}`;
    throw noCheckingNginxError(plan.target.versionText, line, localVersion, reason);
  }
  const exact = images.find((image) => image.version === plan.target.versionText);
  const image = exact ?? pickNginxImage(images, { min: `${line}.0`, below: `${major}.${minor + 1}.0` });
  if (image === undefined) {
    const present = images.length === 0 ? 'none exist' : `present: ${images.map((found) => found.version).join(', ')}`;
    const reason = `no ${nginxImageRepository} image of nginx ${line} exists on ${describeDockerHost(resolveDockerHost())} (${present})`;
    throw noCheckingNginxError(plan.target.versionText, line, localVersion, reason);
  }

  return {
    source: { kind: 'docker', image: image.image },
    notice: `checking with ${image.image} in Docker, because the config targets nginx ${plan.target.versionText} and ${describeLocal(localVersion)}; pass --nginx-bin nginx to check with the local binary anyway`,
  };
}

function describeLocal(localVersion: string | undefined): string {
  return localVersion === undefined ? 'no local nginx was found' : `the local nginx is ${localVersion}`;
}

/** The error for a target whose line neither the local nginx nor an image has; `reason` says why Docker could not help. */
function noCheckingNginxError(targetVersion: string, line: string, localVersion: string | undefined, reason: string): EnvironmentError {
  const scriptBuilds = imageScriptLines.map((entry) => `${entry.line} from Debian ${entry.suite}`).join(', ');
  const scriptSuite = imageScriptLines.find((entry) => entry.line === line)?.suite;
  const fixes = [
    ...(localVersion === undefined ? ['install nginx'] : [`build with --nginx-version ${localVersion} to target the local nginx`]),
    ...(scriptSuite === undefined ? [] : [`run scripts/nginx-images.sh ${scriptSuite} as root to build the ${nginxImageRepository} image of nginx ${line} (the script builds ${scriptBuilds})`]),
    'pass --nginx-image with an nginx image of that line',
    ...(localVersion === undefined ? [] : ['pass --nginx-bin nginx to check with the local binary anyway, which may reject directives it does not have']),
  ];
  return new EnvironmentError(
    `cannot check the config: it targets nginx ${targetVersion}, so --check looks for an nginx ${line}.x, but ${describeLocal(localVersion)}, and ${reason}`,
    `${fixes.slice(0, -1).join(', ')}, or ${fixes.at(-1)!}`,
  );
}

function plusTargetError(targetVersion: string): EnvironmentError {
  return new EnvironmentError(
    `cannot check the config: it targets NGINX Plus ${targetVersion}, and the local nginx and the ${nginxImageRepository} images are open-source builds, which reject directives that only NGINX Plus has`,
    'pass --nginx-bin or --nginx-image naming an NGINX Plus build, or build with --edition oss',
  );
}
