/**
 * Finds the real programs that integration tests need: a local nginx, a
 * Docker engine and h2sticky/nginx images by feature level.
 *
 * When one is missing, a test skips with the reason shown by the reporter.
 * With H2STICKY_REQUIRE_ALL=1 (as CI sets it) the same test fails instead,
 * so that a missing program can never pass silently.
 */

import type { TestContext } from 'vitest';

import { EnvironmentError } from '../../src/problems.js';
import { describeDockerHost, ensureDockerEngine, resolveDockerHost } from '../../src/nginx/runner/docker.js';
import { requireNginxImage, type NginxImage } from '../../src/nginx/runner/images.js';
import { defaultNginxSource, resolveLocalNginx, type DockerNginxSource, type LocalNginxSource } from '../../src/nginx/runner/source.js';
import type { VersionRange } from '../../src/nginx/runner/version.js';

/** True when H2STICKY_REQUIRE_ALL=1: missing programs fail tests instead of skipping them. */
export const requireAll: boolean = process.env.H2STICKY_REQUIRE_ALL === '1';

export type Availability<T> = { available: true; value: T } | { available: false; reason: string };

/** Finds the local nginx the runner would use by default. */
export async function findLocalNginx(): Promise<Availability<LocalNginxSource>> {
  return probe(async () => ({ kind: 'local', bin: resolveLocalNginx(defaultNginxSource.bin) }));
}

/** Checks that a Docker engine responds; the value names the engine. */
export async function findDockerEngine(): Promise<Availability<string>> {
  return probe(async () => {
    await ensureDockerEngine();
    return describeDockerHost(resolveDockerHost());
  });
}

/** Finds the newest h2sticky/nginx image whose nginx version lies in the range. */
export async function findNginxImage(range: VersionRange): Promise<Availability<NginxImage>> {
  return probe(async () => requireNginxImage(range));
}

/** Finds an image by range and returns it as a runner source. */
export async function findNginxImageSource(range: VersionRange): Promise<Availability<DockerNginxSource>> {
  const image = await findNginxImage(range);
  if (!image.available) return image;
  return { available: true, value: { kind: 'docker', image: image.value.image } };
}

/**
 * Returns the value when it is available. Otherwise skips the running test
 * with the reason, or fails it when H2STICKY_REQUIRE_ALL=1.
 */
export function useOrSkip<T>(context: TestContext, availability: Availability<T> | undefined): T {
  if (availability === undefined) {
    throw new Error('the availability probe has not run; call it in beforeAll before the tests use it');
  }
  if (availability.available) return availability.value;

  if (requireAll) {
    throw new Error(`${availability.reason} (H2STICKY_REQUIRE_ALL=1 turns this skip into a failure)`);
  }
  // The default reporter lists skipped tests without their note, so each reason is also printed once.
  if (!reportedReasons.has(availability.reason)) {
    reportedReasons.add(availability.reason);
    console.warn(`h2sticky test skipped: ${availability.reason}`);
  }
  return context.skip(availability.reason);
}

const reportedReasons = new Set<string>();

async function probe<T>(find: () => Promise<T>): Promise<Availability<T>> {
  try {
    return { available: true, value: await find() };
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    return { available: false, reason: `${error.message}; fix: ${error.fix}` };
  }
}
