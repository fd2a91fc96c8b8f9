import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { offlineEnv, readmeCliLines, root } from './support/readmeCli.ts';

describe("the README's binance-errors command", () => {
  it('runs from the repo root exactly as written, without asking the registry', { timeout: 60_000 }, () => {
    const lines = readmeCliLines();
    expect(lines).toContain('npx binance-errors explain -1021');
    expect(lines).toContain('npx -p @binance-errors/core binance-errors explain -1021');
    for (const line of lines) {
      const out = execFileSync('sh', ['-c', line], { cwd: root, env: offlineEnv(), encoding: 'utf8' });
      expect(out, line).toMatch(/^class +Binance\w*Error$/m);
      expect(out, line).toContain('Docs: https://');
    }
  });

  it("links the testing package's command too, so its README's npx line runs in the repo", () => {
    const out = execFileSync('npx', ['binance-fake-exchange', '--help'], {
      cwd: root,
      env: offlineEnv(),
      encoding: 'utf8',
    });
    expect(out).toMatch(/binance-fake-exchange/);
  });
});
