/**
 * The nginx runner: version and build info, `nginx -t` on config text,
 * nginx in the foreground with reload and stop, and the local nginx images.
 */

export { parseNginxBuildInfo, splitConfigureArguments, nativeStickyVersion } from './build-info.js';
export type { ModuleLinkage, NginxBuildInfo } from './build-info.js';
export { describeDockerHost, ensureDockerEngine, h2stickyDockerSocket, resolveDockerHost } from './docker.js';
export { openNginxExecutor, readNginxBuildInfo, runnerContainerLabel } from './executor.js';
export type { ContainerMode, ExecutorOptions, NginxCommandResult, NginxExecutor } from './executor.js';
export {
  ensureDockerImage,
  featureLevels,
  listNginxImages,
  nginxImageRepository,
  pickNginxImage,
  requireNginxImage,
  selectNginxImage,
} from './images.js';
export type { FeatureLevel, NginxImage } from './images.js';
export { parseNginxMessageLine, parseNginxMessages } from './messages.js';
export type { NginxLogLevel, NginxMessage } from './messages.js';
export type { ConfigLayout, ExtraFile, NginxConfigInput } from './prefix.js';
export { defaultNginxSource, formatNginxSource, parseNginxSource, resolveLocalNginx } from './source.js';
export type { DockerNginxSource, LocalNginxSource, NginxSource } from './source.js';
export { NginxRunError, startNginx } from './start.js';
export type { ReloadOptions, RunningNginx, StartNginxOptions } from './start.js';
export { openNginxChecker, testConfig } from './test-config.js';
export type { NginxChecker, NginxCheckerOptions, TestConfigOptions, TestConfigResult } from './test-config.js';
export { compareVersions, formatVersionRange, parseNginxVersionLine, versionInRange } from './version.js';
export type { NginxVersion, NginxVersionLine, VersionRange } from './version.js';
