import { describe, expect, it } from 'vitest';
import { addedCpuByCause, chunkPlan, pausesByCause, ratioByCause } from '../bench/b1Overhead.ts';
import { digitsAgainst, seededRandom } from '../bench/lib/stats.ts';

describe("B1's chunk plan", () => {
  const requests = Array.from({ length: 8000 }, (_, i) => i);

  it('cuts the run into slices that cover every request once, in order', () => {
    const plan = chunkPlan(requests, 16, seededRandom(1));
    expect(plan).toHaveLength(16);
    expect(plan.flatMap((c) => c.slice)).toEqual(requests);
  });

  it('varies the sizes between half and one and a half times the mean, differently from run to run', () => {
    const sizes = (run: number) => chunkPlan(requests, 16, seededRandom(run)).map((c) => c.slice.length);
    for (const size of sizes(1)) {
      expect(size).toBeGreaterThanOrEqual(0.5 * (8000 / 16) * (16 / 24));
      expect(size).toBeLessThanOrEqual(1.5 * (8000 / 16) * (16 / 8));
    }
    expect(new Set(sizes(1)).size).toBeGreaterThan(8);
    expect(sizes(2)).not.toEqual(sizes(1));
  });

  it('lets each variant go first in half of the chunks, in an order that changes from run to run', () => {
    const firsts = (run: number) => chunkPlan(requests, 16, seededRandom(run)).map((c) => c.order[0]);
    for (const run of [1, 2, 3]) {
      expect(firsts(run).filter((v) => v === 'bare')).toHaveLength(8);
      for (const { order } of chunkPlan(requests, 16, seededRandom(run)))
        expect([...order].sort()).toEqual(['bare', 'plugin']);
    }
    expect(firsts(2)).not.toEqual(firsts(1));
  });
});

describe('digitsAgainst', () => {
  it('adds decimals only while rounding would make a figure read as its target', () => {
    expect(digitsAgainst(0.9496, 0.95, 3)).toBe(4);
    expect(digitsAgainst(0.94, 0.95, 3)).toBe(3);
    expect(digitsAgainst(10.04, 10, 1)).toBe(2);
    expect(digitsAgainst(0.95 * 100, 95, 1)).toBe(1);
    expect(digitsAgainst(0.9499999, 0.95, 3)).toBe(6);
  });
});

describe("B1's figures with the pauses charged by cause", () => {
  // 1e6 µs ÷ reqPerS is the time per request, pauses included.
  const sample = (cpu: number, gc: number, usPerRequest = 200) => ({
    reqPerS: 1e6 / usPerRequest,
    cpuUsPerRequest: cpu,
    gcUsPerRequest: gc,
  });

  it('gives the same figures wherever the pauses landed, when both variants leave as much alive', () => {
    const survived = { bare: 10_000, plugin: 10_000 };
    // 10 µs of work added; 40 µs of pauses per request in all, split 20/20, 40/0 or 0/40 between the variants.
    const runs = [
      [sample(120, 20, 190), sample(130, 20, 200)],
      [sample(100, 0, 170), sample(150, 40, 220)],
      [sample(140, 40, 210), sample(110, 0, 180)],
    ] as const;
    expect(runs.map(([bare, plugin]) => addedCpuByCause(bare, plugin, survived))).toEqual([10, 10, 10]);
    for (const [bare, plugin] of runs) expect(ratioByCause(bare, plugin, survived)).toBeCloseTo(190 / 200);
  });

  it('charges the plugin its share of the pauses when it leaves more alive for them', () => {
    // The plugin leaves 3/5 of what the scavenges copy: 24 of the 40 µs of pauses, 8 µs more than bare's 16.
    const survived = { bare: 2000, plugin: 3000 };
    expect(pausesByCause(sample(140, 40), sample(110, 0), survived)).toEqual({ bare: 16, plugin: 24 });
    expect(addedCpuByCause(sample(140, 40), sample(110, 0), survived)).toBeCloseTo(18);
    expect(ratioByCause(sample(140, 40, 210), sample(110, 0, 180), survived)).toBeCloseTo(186 / 204);
  });

  it('leaves the pauses where they landed without survival figures', () => {
    expect(addedCpuByCause(sample(140, 40), sample(110, 0), undefined)).toBe(-30);
    expect(addedCpuByCause(sample(140, 40), sample(110, 0), { bare: 0, plugin: 0 })).toBe(-30);
    expect(ratioByCause(sample(140, 40, 210), sample(110, 0, 180), undefined)).toBeCloseTo(210 / 180);
  });
});
