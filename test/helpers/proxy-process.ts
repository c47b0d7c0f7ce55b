/**
 * `h2sticky proxy` as a child process of the built CLI (bin/h2sticky.js), so
 * `npm run build` must have run after the last change to src/.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const bin = resolve('bin/h2sticky.js');

export interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts bin/h2sticky.js and waits until it listens or exits, at most 30 s. The child is added to `children`, so that the caller can kill what is left. */
export async function startBin(args: string[], children: ChildProcess[]): Promise<Started> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));

  const deadline = Date.now() + 30_000;
  while (!stderr.includes('listening on') && child.exitCode === null && Date.now() < deadline) {
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}
