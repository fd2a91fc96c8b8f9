import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from './main.ts';

function run(argv: string[]) {
  let out = '';
  let err = '';
  const stream = (append: (s: string) => void) => ({
    write: (s: string) => {
      append(s);
      return true;
    },
    isTTY: false,
  });
  const code = main(argv, stream((s) => (out += s)) as never, stream((s) => (err += s)) as never);
  return { code, out, err };
}

describe('binance-errors CLI', () => {
  it('explains a code', () => {
    const { code, out } = run(['explain', '1021']);
    expect(code).toBe(0);
    expect(out).toContain('INVALID_TIMESTAMP');
    expect(out).toContain('BinanceTimestampError');
    expect(out).toContain('/errors/1021-invalid-timestamp');
  });

  it('explains a message and a JSON body', () => {
    expect(run(['explain', 'Filter', 'failure:', 'LOT_SIZE']).out).toMatch(/filter\s+LOT_SIZE/);
    const body = '{"code":-2010,"msg":"Account has insufficient balance for requested action."}';
    expect(run(['explain', body]).out).toMatch(/reason\s+INSUFFICIENT_BALANCE/);
    expect(JSON.parse(run(['explain', '--json', body]).out).reason).toBe('INSUFFICIENT_BALANCE');
  });

  it('fails with a clear message on input it does not know, and on bad usage', () => {
    const unknown = run(['explain', 'hello']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('Not a Binance Spot error');
    expect(run([]).code).toBe(2);
    expect(run(['explain', '--nope', '1']).code).toBe(2);
  });

  it('runs as a program with a negative code', () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const out = execFileSync(process.execPath, [cli, 'explain', '-1008'], { encoding: 'utf8' });
    expect(out).toContain('SERVER_BUSY');
  });
});
