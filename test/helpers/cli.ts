import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/command.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with captured output, as the installed command would run it. */
export async function runCli(args: string[], cwd = process.cwd()): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    errIsTTY: false,
    cwd,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
