import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { attribute, COLLECTOR, COMPILERS, parsePerfMap, partOf, tracedBetween } from '../bench/lib/callgrind.ts';
import { COUNT_MARKS, LOOP_CLIENTS, VARIANTS } from '../bench/lib/instructionLoop.ts';
import { node, root } from './support/repoNode.ts';

// What callgrind writes with --dump-instr=yes: names compressed to ids, addresses relative after the first, and after
// `calls=` a line with the call's inclusive cost, which belongs to the callee.
const CALLGRIND = `# callgrind format
version: 1
pid: 42
positions: instr line
events: Ir

ob=(1) /usr/bin/node
fl=(1) ???
fn=(1) Builtins_LoadIC
0x1000 0 5
+4 0 3
cfn=(3) v8::internal::(anonymous namespace)::Lookup<v8::internal::Tagged<v8::internal::Map>>(int, char const*)
calls=2 0x3000 0
* 0 900
fn=(2) 0x0000000000002000
0x2000 0 7
+16 * 2
* * 4
-16 0 1
fn=(3)
0x3000 0 9
fn=(4) 0x0000000000009000
0x9000 0 6
+256 0 3
`;

const PERF_MAP = [
  '2000 20 JS:*run file:///work/packages/core/src/guard/BinanceGuard.ts:176:9',
  '5000 10 JS:~fill node:internal/deps/undici/undici:11130:18',
  '9100 10 JS:wasm-function[63]-63-liftoff',
].join('\n');

describe('bench:instructions, reading callgrind', () => {
  it('counts self instructions per function, naming JIT code from the perf map and skipping calls’ inclusive costs', () => {
    const counts = attribute(CALLGRIND, parsePerfMap(PERF_MAP));
    expect([...counts.keys()]).toEqual(['Ir']);
    expect(Object.fromEntries(counts.get('Ir')!)).toEqual({
      'builtin LoadIC': 8,
      'run (core/guard/BinanceGuard.ts)': 14,
      'C++ v8::internal::Lookup': 9,
      '(unnamed code)': 6,
      'wasm-function[63]': 3,
    });
  });

  it('counts every event of a cache simulation, a cost line that leaves out its trailing zeros among them', () => {
    const simulated = CALLGRIND.replace('events: Ir', 'events: Ir ILmr DLmr')
      .replace('0x1000 0 5\n', '0x1000 0 5 2 1\n')
      .replace('+16 * 2\n', '+16 * 2 0 3\n')
      .replace('* 0 900\n', '* 0 900 40 40\n');
    const counts = attribute(simulated, parsePerfMap(PERF_MAP));
    expect([...counts.keys()]).toEqual(['Ir', 'ILmr', 'DLmr']);
    expect(counts.get('Ir')!.get('builtin LoadIC')).toBe(8);
    expect(Object.fromEntries(counts.get('ILmr')!)).toEqual({ 'builtin LoadIC': 2 });
    expect(Object.fromEntries(counts.get('DLmr')!)).toEqual({
      'builtin LoadIC': 1,
      'run (core/guard/BinanceGuard.ts)': 3,
    });
  });

  it('sorts functions into the parts of the process the report adds up', () => {
    expect(partOf('run (core/guard/BinanceGuard.ts)')).toBe('binance-errors (JIT code)');
    expect(partOf('fill (undici/undici)')).toBe('undici: Response and Headers (JIT code)');
    expect(partOf('builtin LoadIC')).toMatch(/^V8's builtins/);
    expect(partOf('C++ v8::internal::compiler::GraphReducer::Reduce')).toBe(COMPILERS);
    expect(partOf('C++ v8::internal::Scavenger::ScavengeObject')).toBe(COLLECTOR);
    expect(partOf('C++ v8::internal::BodyDescriptorBase::IteratePointers')).toBe(COLLECTOR);
    expect(partOf('C++ v8::internal::RememberedSetUpdatingItem::Process')).toBe(COLLECTOR);
  });

  it('lists what V8 compiled and deoptimized between the marks only, by function', () => {
    const trace = [
      '[compiling method 0x1a <JSFunction run (sfi = 0x2b)> (target MAGLEV), mode: ConcurrencyMode::kSynchronous]',
      COUNT_MARKS.begin,
      '[compiling method 0x3c <JSFunction settleCharges (sfi = 0x4d)> (target MAGLEV), mode: ConcurrencyMode::kSynchronous]',
      '[completed compiling 0x3c <JSFunction settleCharges (sfi = 0x4d)> (target MAGLEV) - took 0.002, 0.876, 0.156 ms]',
      '[compiling method 0x5e <JSFunction readOther (sfi = 0x6f)> (target TURBOFAN_JS) OSR, mode: ConcurrencyMode::kSynchronous]',
      '[bailout (kind: deopt-eager, reason: wrong map): begin. deoptimizing 0x7a <JSFunction #own (sfi = 0x8b)>, 0x9c <Code MAGLEV>, opt id 217]',
      '[bailout (kind: deopt-eager, reason: wrong map): begin. deoptimizing 0x7b <JSFunction #own (sfi = 0x8b)>, 0x9d <Code MAGLEV>, opt id 218]',
      '[compiling method 0xad <JSFunction (sfi = 0xbe)> (target TURBOFAN_JS), mode: ConcurrencyMode::kSynchronous]',
      COUNT_MARKS.end,
      '[compiling method 0xcf <JSFunction close (sfi = 0xd0)> (target MAGLEV), mode: ConcurrencyMode::kSynchronous]',
    ].join('\n');
    expect(Object.fromEntries(tracedBetween(trace, COUNT_MARKS.begin, COUNT_MARKS.end))).toEqual({
      'compiled settleCharges (MAGLEV)': 1,
      'compiled readOther (TURBOFAN_JS OSR)': 1,
      'deoptimized #own (deopt-eager: wrong map)': 2,
      'compiled (anonymous) (TURBOFAN_JS)': 1,
    });
    expect(() => tracedBetween('no marks', COUNT_MARKS.begin, COUNT_MARKS.end)).toThrow(/lacks its marks/);
  });
});

/** The loop's `LOOP_REPORT` line: its last, after the marks of the counted requests. */
function reportOf(stdout: string): string {
  return stdout.trimEnd().split('\n').at(-1)!;
}

/** The loop, run as bench:instructions runs it (without valgrind), with these settings. */
function runLoop(env: Record<string, string>, flags: readonly string[] = []) {
  return promisify(execFile)(node, [...flags, '--conditions=@binance-errors/source', 'bench/lib/instructionLoop.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
}

describe('bench:instructions, the loop it counts', () => {
  const cases = LOOP_CLIENTS.flatMap((client) => Object.keys(VARIANTS).map((variant) => [client, variant]));
  it.each(cases)('runs %s, %s to the end, every fifth request signed', async (client, variant) => {
    const { stdout } = await runLoop({
      LOOP_CLIENT: client,
      LOOP_VARIANT: variant,
      LOOP_WARMUP: '40',
      LOOP_REQUESTS: '60',
      LOOP_MIX: '1',
      LOOP_REPORT: '1',
    });
    // Signed by hand when bare, by the plugin otherwise (the loop hands the plugin the unsigned request); the guard's
    // clock adds its /time requests.
    const { requests, signed } = JSON.parse(reportOf(stdout)) as { requests: number; signed: number };
    expect(signed).toBe(20);
    expect(requests).toBeGreaterThanOrEqual(100);
  });

  it('runs cold: one request at a time, each followed by a read of the other memory', async () => {
    const { stdout } = await runLoop({
      LOOP_VARIANT: 'guard',
      LOOP_WARMUP: '40',
      LOOP_REQUESTS: '60',
      LOOP_COLD_MB: '1',
      LOOP_REPORT: '1',
    });
    // One number of every 64-byte line of 1 MiB (all ones) after each of the 60 counted requests, none in the warm-up.
    expect(JSON.parse(reportOf(stdout))).toMatchObject({ read: 60 * 2 ** 14 });
  });

  it("marks the counted requests in its output, around what V8's traces say of them", async () => {
    const { stdout } = await runLoop(
      { LOOP_VARIANT: 'guard', LOOP_WARMUP: '3000', LOOP_REQUESTS: '60', LOOP_REPORT: '1' },
      ['--trace-opt', '--trace-deopt'],
    );
    const lines = stdout.trimEnd().split('\n');
    const begin = lines.indexOf(COUNT_MARKS.begin);
    expect(begin).toBeGreaterThan(0);
    expect(lines.indexOf(COUNT_MARKS.end)).toBeGreaterThan(begin);
    expect(lines.at(-1)).toMatch(/^\{"requests":/);
    // The warm-up's compiles, read from V8's own trace as the report reads those of a count.
    const warm = [...tracedBetween(stdout, '', COUNT_MARKS.begin).keys()];
    expect(warm).toContainEqual(expect.stringMatching(/^compiled \S+ \((MAGLEV|TURBOFAN_JS)\)$/));
  });

  it('refuses a variant it does not know, naming those it does', async () => {
    const run = runLoop({ LOOP_VARIANT: 'gaurd', LOOP_WARMUP: '1', LOOP_REQUESTS: '1' });
    await expect(run).rejects.toMatchObject({ stderr: expect.stringContaining('LOOP_VARIANT must be one of bare') });
  });

  it('refuses a cold switch with a typo rather than counting warm', async () => {
    const run = promisify(execFile)(node, ['--conditions=@binance-errors/source', 'bench/instructions.ts'], {
      cwd: root,
      env: { ...process.env, INSTRUCTIONS_COLD: 'yes' },
      timeout: 30_000,
    });
    await expect(run).rejects.toMatchObject({ stderr: 'INSTRUCTIONS_COLD must be 1 (or 0), got "yes"\n' });
  });

  it('refuses a cold read it cannot make, naming the setting', async () => {
    const run = runLoop({ LOOP_VARIANT: 'bare', LOOP_WARMUP: '1', LOOP_REQUESTS: '1', LOOP_COLD_MB: '8MB' });
    await expect(run).rejects.toMatchObject({
      stderr: expect.stringContaining('LOOP_COLD_MB must be a number of MiB'),
    });
  });
});
