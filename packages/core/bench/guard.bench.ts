/**
 * Guard overhead per request, in µs: everything the guard does around one attempt (throttle reservation, stamp,
 * signature, breaker, header reconciliation), with an in-memory transport so no I/O is measured.
 * Run: npm run bench:guard -w @binance-errors/core
 */
import { cpus } from 'node:os';
import { GUARD_CASES, guardBench } from './guardBench.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const N = Number(process.env.BENCH_N ?? 20_000);

console.log(
  `guard overhead — ${N} requests × ${ROUNDS} rounds per case; node ${process.version}, ${cpus()[0]?.model} × ${cpus().length}`,
);
const samples = await guardBench({
  rounds: ROUNDS,
  requests: N,
  onRound: (s) =>
    process.stdout.write(`  ${s.case}: round ${s.round}/${ROUNDS} overhead ${s.overheadUs.toFixed(2)} µs\n`),
});
console.log('\n| request | guard overhead µs (median) | min–max |\n|---|---:|---:|');
for (const c of GUARD_CASES) {
  const values = samples
    .filter((s) => s.case === c.name)
    .map((s) => s.overheadUs)
    .sort((a, b) => a - b);
  console.log(
    `| ${c.name} | ${values[Math.floor(values.length / 2)]!.toFixed(2)} | ${values[0]!.toFixed(2)}–${values.at(-1)!.toFixed(2)} |`,
  );
}
