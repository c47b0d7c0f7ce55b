import type { Plan, PlanTarget } from '../plan/types.js';
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

/** The nginx that a command runs when the user named none, and why. */
export interface DefaultCheckSource {
  source: NginxSource;
  /** Reason a Docker image replaces the local binary; undefined when the local binary is used. */
  notice?: string;
}

/** Phrases with which messages about the chosen nginx name the command and its options. */
export interface NginxChoiceWording {
  /** Task that needs an nginx of the target's line, such as "check the config". */
  task: string;
  /** Activity the notice names for the image, such as "checking". */
  activity: string;
  /** Subject that targets the version in the notice, such as "the config". */
  subject: string;
  /** Pronoun for that subject in an error, after the task, such as "it". */
  pronoun: string;
  /** Option or command that looks for the nginx, such as "--check". */
  searcher: string;
  /** The option that forces the local binary, such as "--nginx-bin nginx". */
  localOption: string;
  /** Effect of the local option, such as "check with the local binary". */
  localUse: string;
  /** The option that names an image, such as "--nginx-image". */
  imageOption: string;
  /** Advice that makes the target the local version, such as "build with --nginx-version 1.22.1". */
  retarget: (localVersion: string) => string;
  /** The options that name any nginx build, such as "--nginx-bin or --nginx-image". */
  buildOptions: string;
  /** Advice that targets open-source nginx instead of NGINX Plus. */
  targetOss: string;
}

/** The wording of `build --check`. */
export const buildCheckWording: NginxChoiceWording = {
  task: 'check the config',
  activity: 'checking',
  subject: 'the config',
  pronoun: 'it',
  searcher: '--check',
  localOption: '--nginx-bin nginx',
  localUse: 'check with the local binary',
  imageOption: '--nginx-image',
  retarget: (localVersion) => `build with --nginx-version ${localVersion}`,
  buildOptions: '--nginx-bin or --nginx-image',
  targetOss: 'build with --edition oss',
};

/** Chooses the nginx for `build --check` when the user named none; see chooseNginxForTarget. */
export async function chooseDefaultCheckSource(plan: Plan): Promise<DefaultCheckSource> {
  return chooseNginxForTarget(plan.target, buildCheckWording);
}

/**
 * Chooses the nginx that runs a config compiled for `target`. The local
 * binary is used when its major.minor line is the target's. Otherwise the
 * h2sticky/nginx image of that line is used: the exact version when it
 * exists, else the newest patch release.
 *
 * Raises EnvironmentError when no nginx of the target's line is available,
 * because an nginx of another line rejects directives it does not have,
 * and that rejection would look like a broken config. It also raises for an
 * NGINX Plus target, which the open-source binaries cannot run.
 */
export async function chooseNginxForTarget(target: Pick<PlanTarget, 'version' | 'versionText' | 'edition'>, wording: NginxChoiceWording): Promise<DefaultCheckSource> {
  const { major, minor } = target.version;
  const line = `${major}.${minor}`;
  if (target.edition === 'plus') throw plusTargetError(target.versionText, wording);

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
    throw noMatchingNginxError(target.versionText, line, localVersion, reason, wording);
  }
  const exact = images.find((image) => image.version === target.versionText);
  const image = exact ?? pickNginxImage(images, { min: `${line}.0`, below: `${major}.${minor + 1}.0` });
  if (image === undefined) {
    const present = images.length === 0 ? 'none exist' : `present: ${images.map((found) => found.version).join(', ')}`;
    const reason = `no ${nginxImageRepository} image of nginx ${line} exists on ${describeDockerHost(resolveDockerHost())} (${present})`;
    throw noMatchingNginxError(target.versionText, line, localVersion, reason, wording);
  }

  return {
    source: { kind: 'docker', image: image.image },
    notice: `${wording.activity} with ${image.image} in Docker, because ${wording.subject} targets nginx ${target.versionText} and ${describeLocal(localVersion)}; pass ${wording.localOption} to ${wording.localUse} anyway`,
  };
}

function describeLocal(localVersion: string | undefined): string {
  return localVersion === undefined ? 'no local nginx was found' : `the local nginx is ${localVersion}`;
}

/** Builds the error for a target whose line neither the local nginx nor an image has. `reason` explains why Docker could not help. */
function noMatchingNginxError(targetVersion: string, line: string, localVersion: string | undefined, reason: string, wording: NginxChoiceWording): EnvironmentError {
  const scriptBuilds = imageScriptLines.map((entry) => `${entry.line} from Debian ${entry.suite}`).join(', ');
  const scriptSuite = imageScriptLines.find((entry) => entry.line === line)?.suite;
  const fixes = [
    ...(localVersion === undefined ? ['install nginx'] : [`${wording.retarget(localVersion)} to target the local nginx`]),
    ...(scriptSuite === undefined ? [] : [`run scripts/nginx-images.sh ${scriptSuite} as root to build the ${nginxImageRepository} image of nginx ${line} (the script builds ${scriptBuilds})`]),
    `pass ${wording.imageOption} with an nginx image of that line`,
    ...(localVersion === undefined ? [] : [`pass ${wording.localOption} to ${wording.localUse} anyway, which may reject directives it does not have`]),
  ];
  return new EnvironmentError(
    `cannot ${wording.task}: ${wording.pronoun} targets nginx ${targetVersion}, so ${wording.searcher} looks for an nginx ${line}.x, but ${describeLocal(localVersion)}, and ${reason}`,
    `${fixes.slice(0, -1).join(', ')}, or ${fixes.at(-1)!}`,
  );
}

function plusTargetError(targetVersion: string, wording: NginxChoiceWording): EnvironmentError {
  return new EnvironmentError(
    `cannot ${wording.task}: ${wording.pronoun} targets NGINX Plus ${targetVersion}, and the local nginx and the ${nginxImageRepository} images are open-source builds, which reject directives that only NGINX Plus has`,
    `pass ${wording.buildOptions} naming an NGINX Plus build, or ${wording.targetOss}`,
  );
}
