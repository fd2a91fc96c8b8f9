import { spawn } from 'node:child_process';

/**
 * Runs `command` to its end, its output ignored and the tail of its stderr kept: rejects unless it exits with 0,
 * naming `what` failed and showing that tail.
 */
export async function runChild(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  what: string,
): Promise<void> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${what} failed:\n${stderr}`);
}
