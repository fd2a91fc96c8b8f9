import { arch, cpus, loadavg, release, totalmem, type } from 'node:os';

/** Where and when the figures were measured. */
export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the bench started: how busy the shared machine was. */
  loadAverage: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${type()} ${release()} ${arch()}`,
    loadAverage: Number(loadavg()[0]!.toFixed(2)),
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpu} × ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average ${m.loadAverage} at start`;
}
