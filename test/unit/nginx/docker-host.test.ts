import { describe, expect, it } from 'vitest';

import { describeDockerHost, h2stickyDockerSocket, resolveDockerHost } from '../../../src/nginx/runner/docker.js';

describe('resolveDockerHost', () => {
  const socketPresent = (path: string): boolean => path === h2stickyDockerSocket;
  const socketAbsent = (): boolean => false;

  it('prefers DOCKER_HOST', () => {
    expect(resolveDockerHost({ DOCKER_HOST: 'tcp://127.0.0.1:2375' }, socketPresent)).toBe('tcp://127.0.0.1:2375');
  });

  it('uses the h2sticky socket when it exists', () => {
    expect(resolveDockerHost({}, socketPresent)).toBe('unix:///run/h2sticky/docker.sock');
    expect(resolveDockerHost({ DOCKER_HOST: '' }, socketPresent)).toBe('unix:///run/h2sticky/docker.sock');
  });

  it('falls back to the default socket', () => {
    expect(resolveDockerHost({}, socketAbsent)).toBeUndefined();
    expect(describeDockerHost(undefined)).toContain('/var/run/docker.sock');
  });
});
