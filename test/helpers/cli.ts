import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/command.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Creates an in-memory `CliIO` and a function that returns what was written to it. */
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

/** Runs the CLI in this process with captured output, as the installed command would run it. */
export async function runCli(args: string[], cwd = process.cwd()): Promise<CliRun> {
  const { io, output } = captureIO(cwd);
  const code = await main(args, io);
  const { out, err } = output();
  return { code, stdout: out, stderr: err };
}
