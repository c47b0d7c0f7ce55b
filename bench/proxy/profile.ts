/**
 * A CPU profile of the reference proxy under the benchmark's load: the same
 * backends and spec as run.ts, `h2sticky proxy` started with node's
 * --cpu-prof, one h2load run to warm up and one measured run, then the
 * functions with the most self time.
 *
 *   npx tsx bench/proxy/profile.ts [--protocol h2c|tls] [--requests 15000] [--clients 16] [--streams 32] [--top 25]
 *
 * The profile covers the whole process life, start-up and warm-up included,
 * so the shares are of all samples. The .cpuprofile file stays in a
 * temporary directory, whose path the script prints, for Chrome DevTools.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

import { freePort } from '../../test/helpers/loopback.js';
import { children, h2load, specText, startChild, stopChild, type Load } from './harness.js';

const { values } = parseArgs({
  options: {
    protocol: { type: 'string', default: 'h2c' },
    requests: { type: 'string', default: '15000' },
    clients: { type: 'string', default: '16' },
    streams: { type: 'string', default: '32' },
    top: { type: 'string', default: '25' },
  },
});
if (values.protocol !== 'h2c' && values.protocol !== 'tls') throw new Error(`--protocol must be h2c or tls, not ${values.protocol}`);
const load: Load = { requests: Number(values.requests), clients: Number(values.clients), streams: Number(values.streams) };
const top = Number(values.top);

/** The parts of a V8 .cpuprofile file this script reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
}

/** Sums the samples of each function (its self time) and returns the largest shares first. */
function selfTimeByFunction(profile: CpuProfile): { name: string; share: number }[] {
  const names = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? '' : ` ${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}`;
    names.set(node.id, `${functionName === '' ? '(anonymous)' : functionName}${where}`);
  }

  const counts = new Map<string, number>();
  for (const id of profile.samples) {
    const name = names.get(id) ?? '(unknown)';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts]
    .map(([name, count]) => ({ name, share: count / profile.samples.length }))
    .sort((a, b) => b.share - a.share);
}

async function main(): Promise<void> {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const directory = mkdtempSync(join(tmpdir(), 'h2sticky-profile-'));
  const backends = await startChild(process.execPath, ['--import', 'tsx', 'bench/proxy/backends.ts']);
  const backendPorts = backends.line.slice('ready '.length).split(',').map(Number);

  const [plainPort, tlsPort] = [await freePort(), await freePort()];
  const spec = join(directory, 'h2sticky.yaml');
  writeFileSync(spec, specText(plainPort, tlsPort, backendPorts, load.clients * load.streams));
  const proxy = await startChild(process.execPath, ['--cpu-prof', '--cpu-prof-dir', directory, 'bin/h2sticky.js', 'proxy', spec, '--log-level', 'warn']);

  const url = values.protocol === 'h2c' ? `http://127.0.0.1:${plainPort}/` : `https://127.0.0.1:${tlsPort}/`;
  let measured;
  try {
    h2load(url, load);
    measured = h2load(url, load);
  } finally {
    // node writes the profile when the process exits.
    await stopChild(proxy.child);
    await stopChild(backends.child);
  }

  const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile was written to ${directory}`);
  const profile = JSON.parse(readFileSync(join(directory, file), 'utf8')) as CpuProfile;

  process.stdout.write(`${values.protocol}: ${measured.requestsPerSecond.toFixed(0)} req/s in the measured run, ${measured.failed} failed\n`);
  process.stdout.write(`profile: ${join(directory, file)} (${profile.samples.length} samples)\n\n| self time | function |\n|---|---|\n`);
  for (const entry of selfTimeByFunction(profile).slice(0, top)) process.stdout.write(`| ${(entry.share * 100).toFixed(1)} % | ${entry.name} |\n`);
}

try {
  await main();
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
