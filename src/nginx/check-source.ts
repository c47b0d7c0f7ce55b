import type { Plan } from '../plan/types.js';
import { readNginxBuildInfo } from './runner/executor.js';
import { listNginxImages, pickNginxImage } from './runner/images.js';
import type { NginxSource } from './runner/source.js';

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
 * exists, else the newest patch release. Without such an image or a
 * reachable Docker engine, the local binary is used after all.
 */
export async function chooseDefaultCheckSource(plan: Plan): Promise<DefaultCheckSource> {
  const local: NginxSource = { kind: 'local', bin: 'nginx' };
  const { major, minor } = plan.target.version;
  const line = `${major}.${minor}`;

  let localVersion: string | undefined;
  try {
    localVersion = (await readNginxBuildInfo(local)).version;
  } catch {
    // A missing local nginx leaves Docker as the only choice.
  }
  if (localVersion !== undefined && localVersion.split('.').slice(0, 2).join('.') === line) return { source: local };

  let images;
  try {
    images = await listNginxImages();
  } catch {
    // No Docker engine: the local binary, if any, checks the config, and the check reports a version mismatch.
    return { source: local };
  }
  const exact = images.find((image) => image.version === plan.target.versionText);
  const image = exact ?? pickNginxImage(images, { min: `${line}.0`, below: `${major}.${minor + 1}.0` });
  if (image === undefined) return { source: local };

  const localText = localVersion === undefined ? 'no local nginx was found' : `the local nginx is ${localVersion}`;
  return {
    source: { kind: 'docker', image: image.image },
    notice: `checking with ${image.image} in Docker, because the config targets nginx ${plan.target.versionText} and ${localText}; pass --nginx-bin nginx to check with the local binary anyway`,
  };
}
