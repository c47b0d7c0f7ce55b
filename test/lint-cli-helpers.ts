import { main } from '../src/cli/main.js';
import type { CliIO } from '../src/cli/command.js';

/** An in-memory `CliIO` and a reader of what was written to it. */
export function captureIO(cwd: string): { io: CliIO; output: () => { out: string; err: string } } {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    errIsTTY: false,
    cwd,
  };
  return { io, output: () => ({ out, err }) };
}

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
