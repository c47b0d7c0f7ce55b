/**
 * The h2sticky/nginx images that scripts/nginx-images.sh builds, and choosing
 * one by the nginx feature level a caller needs rather than by patch release.
 */

import { EnvironmentError } from '../../problems.js';
import { describeDockerHost, ensureDockerEngine, resolveDockerHost, runDocker, runDockerChecked } from './docker.js';
import {
  compareVersions,
  formatVersionRange,
  isNginxVersion,
  versionInRange,
  type NginxVersion,
  type VersionRange,
} from './version.js';

/** Repository of the images that scripts/nginx-images.sh tags. */
export const nginxImageRepository = 'h2sticky/nginx';

/** One local nginx image, found by its version tag. */
export interface NginxImage {
  /** Reference to run, such as `h2sticky/nginx:1.30.6`. */
  image: string;
  version: NginxVersion;
  /** Debian suite from the image's `debian-<suite>` tag, when it has one. */
  suite?: string;
  /** Short image id. */
  id: string;
}

/**
 * Version ranges at which the nginx config h2sticky generates changes shape.
 * Tests and the diff harness pick images by these, so a new Debian upload
 * with another patch release needs no code change.
 */
export const featureLevels = {
  /** Before 1.25.1: HTTP/2 is a `listen … http2` parameter, and a plaintext HTTP/2 port serves only HTTP/2. */
  listenHttp2: { below: '1.25.1' },
  /** 1.25.1 up to 1.29.6: the `http2` directive exists, but open-source nginx has no `sticky`. */
  http2Directive: { min: '1.25.1', below: '1.29.6' },
  /** 1.29.6 and later: open-source nginx has native `sticky`. */
  nativeSticky: { min: '1.29.6' },
} as const satisfies Record<string, VersionRange>;

export type FeatureLevel = keyof typeof featureLevels;

/** Lists the local h2sticky/nginx images that carry a version tag, oldest version first. */
export async function listNginxImages(): Promise<NginxImage[]> {
  await ensureDockerEngine();
  const output = await runDockerChecked([
    'image',
    'ls',
    nginxImageRepository,
    '--format',
    '{{.Tag}}\t{{.ID}}',
  ]);

  const suitesById = new Map<string, string>();
  const versionTags: { version: string; id: string }[] = [];
  for (const line of output.split('\n')) {
    const [tag, id] = line.trim().split('\t');
    if (tag === undefined || id === undefined) continue;

    if (tag.startsWith('debian-')) suitesById.set(id, tag.slice('debian-'.length));
    else if (isNginxVersion(tag)) versionTags.push({ version: tag, id });
  }

  return versionTags
    .map(({ version, id }): NginxImage => {
      const image: NginxImage = { image: `${nginxImageRepository}:${version}`, version, id };
      const suite = suitesById.get(id);
      if (suite !== undefined) image.suite = suite;
      return image;
    })
    .sort((left, right) => compareVersions(left.version, right.version));
}

/** Returns the image with the newest version inside the range, or undefined. */
export function pickNginxImage(images: readonly NginxImage[], range: VersionRange): NginxImage | undefined {
  let newest: NginxImage | undefined;
  for (const image of images) {
    if (!versionInRange(image.version, range)) continue;
    if (newest === undefined || compareVersions(image.version, newest.version) > 0) newest = image;
  }
  return newest;
}

/** Returns the newest local image inside the range, or undefined when there is none. */
export async function selectNginxImage(range: VersionRange): Promise<NginxImage | undefined> {
  return pickNginxImage(await listNginxImages(), range);
}

/**
 * Returns the newest local image inside the range. Raises EnvironmentError
 * naming the images that exist when none fits.
 */
export async function requireNginxImage(range: VersionRange): Promise<NginxImage> {
  const images = await listNginxImages();
  const image = pickNginxImage(images, range);
  if (image !== undefined) return image;

  throw new EnvironmentError(
    `no ${nginxImageRepository} image with nginx ${formatVersionRange(range)} on ${describeDockerHost(resolveDockerHost())}; ${describeImages(images)}`,
    imageFix,
  );
}

/**
 * Checks that an image exists on the engine. Raises EnvironmentError naming
 * the h2sticky/nginx images that do exist when it does not.
 */
export async function ensureDockerImage(image: string): Promise<void> {
  await ensureDockerEngine();
  const result = await runDocker(['image', 'inspect', '--format', '{{.Id}}', image]);
  if (result.exitCode === 0) return;

  const images = await listNginxImages();
  throw new EnvironmentError(`Docker image ${image} not found on ${describeDockerHost(resolveDockerHost())}; ${describeImages(images)}`, imageFix);
}

const imageFix =
  'run scripts/nginx-images.sh as root to build h2sticky/nginx images from Debian packages, or pull an official nginx:<version> image where a registry is reachable';

function describeImages(images: readonly NginxImage[]): string {
  if (images.length === 0) return `no ${nginxImageRepository} images exist`;
  return `images present: ${images.map((image) => image.image).join(', ')}`;
}
