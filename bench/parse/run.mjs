// Parse benchmark: lints a generated configuration of about 100,000 lines
// (3 MB) and compares whole-process times with `nginx -t`, crossplane and
// the npm parsers, then warm in-process parse throughput. Commands run
// interleaved, in a rotating order, for several rounds, and medians are
// reported, because other work may share the machine.
//
//   npm run build
//   node bench/parse/run.mjs [--lines 100000] [--rounds 7] [--json OUT] [--baseline DIR]
//
// --baseline names another built h2sticky checkout, such as an older commit
// checked out with `git worktree add` and built with `npm ci`; its lint runs
// in the same rounds as one more row.
//
// crossplane is not an npm package: set CROSSPLANE_DIR to a directory that
// contains its Python source (the `crossplane` package folder inside it), and
// it runs with `python3 -m crossplane parse`. Without it that row is skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { generateConfig } from './generate.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const options = parseOptions(process.argv.slice(2));
const timeoutMs = 120_000;

if (!existsSync(join(root, 'dist/cli-bundle.js'))) {
  process.stderr.write('dist/cli-bundle.js is missing; run "npm run build" first.\n');
  process.exit(3);
}

// The figures move with other work on the machine, so the report records the load average before and after the run.
const loadBefore = loadavg();
const work = mkdtempSync(join(tmpdir(), 'h2sticky-bench-parse-'));
try {
  const file = join(work, 'nginx.conf');
  writeFileSync(file, generateConfig(options.lines));
  const bytes = statSync(file).size;
  const nginxVersion = detectNginxVersion();
  const lintVersion = nginxVersion ?? '1.26.3';

  const commands = [
    nginxVersion && { name: 'nginx -t', program: 'nginx', args: ['-t', '-q', '-p', work, '-c', file, '-g', `pid ${join(work, 'nginx.pid')}; error_log stderr;`], okCodes: [0] },
    { name: 'h2sticky lint (all rules)', program: process.execPath, args: [join(root, 'bin/h2sticky.js'), 'lint', file, '--nginx-version', lintVersion, '--format', 'json'], okCodes: [0, 1] },
    options.baseline && {
      name: 'h2sticky lint, baseline checkout',
      program: process.execPath,
      args: [join(options.baseline, 'bin/h2sticky.js'), 'lint', file, '--nginx-version', lintVersion, '--format', 'json'],
      okCodes: [0, 1],
    },
    { name: 'h2sticky parse --json', program: process.execPath, args: [join(root, 'bin/h2sticky.js'), 'parse', file, '--json'], okCodes: [0] },
    process.env.CROSSPLANE_DIR && {
      name: 'crossplane parse',
      program: 'python3',
      args: ['-m', 'crossplane', 'parse', file],
      env: { ...process.env, PYTHONPATH: process.env.CROSSPLANE_DIR },
      okCodes: [0],
    },
    { name: 'nginx-conf (node)', program: process.execPath, args: [join(root, 'bench/parse/parse-with.mjs'), 'nginx-conf', file], okCodes: [0] },
    { name: '@webantic/nginx-config-parser (node)', program: process.execPath, args: [join(root, 'bench/parse/parse-with.mjs'), 'webantic', file], okCodes: [0] },
  ].filter(Boolean);

  const wholeProcess = new Map(commands.map((command) => [command.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let index = 0; index < commands.length; index++) {
      const command = commands[(index + round) % commands.length];
      const start = performance.now();
      const result = spawnSync(command.program, command.args, { env: command.env ?? process.env, timeout: timeoutMs, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      const elapsed = performance.now() - start;
      if (!command.okCodes.includes(result.status ?? -1)) throw new Error(`${command.name} failed (exit ${result.status}): ${result.stderr?.slice(0, 500)}`);
      wholeProcess.get(command.name).push(elapsed / 1000);
    }
  }

  const phases = { importMs: [], parseMs: [], lintMs: [] };
  for (let round = 0; round < options.rounds; round++) {
    const result = spawnSync(process.execPath, [join(root, 'bench/parse/phases.mjs'), file, lintVersion], { timeout: timeoutMs, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`phases failed: ${result.stderr}`);
    const measured = JSON.parse(result.stdout);
    for (const key of Object.keys(phases)) phases[key].push(measured[key]);
  }

  const parsers = ['h2sticky', 'nginx-conf', 'webantic'];
  const throughput = new Map(parsers.map((parser) => [parser, []]));
  for (let round = 0; round < Math.max(3, Math.ceil(options.rounds / 2)); round++) {
    for (let index = 0; index < parsers.length; index++) {
      const parser = parsers[(index + round) % parsers.length];
      const result = spawnSync(process.execPath, [join(root, 'bench/parse/throughput.mjs'), parser, file, '9'], { timeout: timeoutMs, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`throughput of ${parser} failed: ${result.stderr}`);
      throughput.get(parser).push(JSON.parse(result.stdout).megabytesPerSecond);
    }
  }

  const report = {
    date: new Date().toISOString(),
    node: process.version,
    nginx: nginxVersion ?? null,
    lines: options.lines,
    bytes,
    rounds: options.rounds,
    loadAverage: { before: loadBefore, after: loadavg() },
    baseline: options.baseline ?? null,
    wholeProcessSeconds: Object.fromEntries([...wholeProcess].map(([name, times]) => [name, { median: median(times), min: Math.min(...times), max: Math.max(...times) }])),
    lintPhasesMs: Object.fromEntries(Object.entries(phases).map(([name, times]) => [name, { median: median(times), min: Math.min(...times), max: Math.max(...times) }])),
    warmParseMegabytesPerSecond: Object.fromEntries([...throughput].map(([name, rates]) => [name, { median: median(rates), min: Math.min(...rates), max: Math.max(...rates) }])),
  };

  process.stdout.write(`config: ${options.lines} lines, ${(bytes / 1e6).toFixed(2)} MB; ${options.rounds} rounds; node ${process.version}; nginx ${nginxVersion ?? 'not found'}\n`);
  process.stdout.write(`load average (1, 5, 15 min): before ${formatLoad(report.loadAverage.before)}, after ${formatLoad(report.loadAverage.after)}\n\n`);
  process.stdout.write('whole process (s)                      median    min    max\n');
  for (const [name, stats] of Object.entries(report.wholeProcessSeconds)) {
    process.stdout.write(`  ${name.padEnd(36)} ${stats.median.toFixed(3).padStart(6)} ${stats.min.toFixed(3).padStart(6)} ${stats.max.toFixed(3).padStart(6)}\n`);
  }
  process.stdout.write('\nh2sticky lint phases, fresh process (ms) median    min    max\n');
  for (const [name, stats] of Object.entries(report.lintPhasesMs)) {
    process.stdout.write(`  ${name.padEnd(36)} ${stats.median.toFixed(0).padStart(6)} ${stats.min.toFixed(0).padStart(6)} ${stats.max.toFixed(0).padStart(6)}\n`);
  }
  process.stdout.write('\nwarm in-process parse (MB/s)           median    min    max\n');
  for (const [name, stats] of Object.entries(report.warmParseMegabytesPerSecond)) {
    process.stdout.write(`  ${name.padEnd(36)} ${stats.median.toFixed(1).padStart(6)} ${stats.min.toFixed(1).padStart(6)} ${stats.max.toFixed(1).padStart(6)}\n`);
  }
  if (options.json) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function detectNginxVersion() {
  const result = spawnSync('nginx', ['-v'], { encoding: 'utf8', timeout: 10_000 });
  return /nginx\/(\d+\.\d+\.\d+)/.exec(result.stderr ?? '')?.[1];
}

function formatLoad(averages) {
  return averages.map((value) => value.toFixed(2)).join(' ');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function parseOptions(args) {
  const result = { lines: 100_000, rounds: 7, json: undefined, baseline: undefined };
  for (let index = 0; index < args.length; index += 2) {
    const [flag, value] = [args[index], args[index + 1]];
    if (flag === '--lines') result.lines = Number(value);
    else if (flag === '--rounds') result.rounds = Number(value);
    else if (flag === '--json') result.json = value;
    else if (flag === '--baseline') result.baseline = value;
    else {
      process.stderr.write(`unknown option ${flag}; use --lines N, --rounds N, --json FILE, --baseline DIR\n`);
      process.exit(2);
    }
  }
  if (result.baseline !== undefined && !existsSync(join(result.baseline, 'bin/h2sticky.js'))) {
    process.stderr.write(`--baseline ${result.baseline}: bin/h2sticky.js not found there; give the directory of a built h2sticky checkout\n`);
    process.exit(2);
  }
  if (!(result.lines > 0 && result.rounds > 0)) {
    process.stderr.write('--lines and --rounds must be positive numbers\n');
    process.exit(2);
  }
  return result;
}
