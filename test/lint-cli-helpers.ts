import { main } from '../src/cli/main.js';
import { captureIO } from './helpers/cli.js';

/** Runs the CLI in-process with captured output. */
export async function runCli(args: readonly string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  const { io, output } = captureIO(cwd);
  const code = await main(args, io);
  return { code, ...output() };
}

/** One finding of `lint --format json`. */
export interface JsonFinding {
  rule: string;
  severity: string;
  message: string;
  file: string;
  line: number | null;
  column: number | null;
  /** How many includes of the file share the finding. */
  count: number;
}
