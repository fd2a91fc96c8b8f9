import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packWorkspace } from '../../scripts/examples.ts';

export interface ProjectSpec {
  /** Workspaces installed from `npm pack` tarballs, e.g. ['core', 'axios']. */
  packages: string[];
  /** Packages from the registry, as a user would add them, e.g. ['axios@^1', 'got@^16']. */
  registry: string[];
  /** The project's own files (package.json included), by path relative to the project. */
  files: Record<string, string>;
}

export interface Project {
  dir: string;
  /**
   * Runs `node <entry>` in the project, without blocking this process (a fake exchange here must answer it);
   * resolves with stdout, rejects with stdout and stderr.
   */
  run(entry: string, env?: NodeJS.ProcessEnv): Promise<string>;
  close(): void;
}

/** Packs the built workspaces and installs them into a fresh project under the temp dir, as a new user would. */
export function packedProject(spec: ProjectSpec): Project {
  const work = mkdtempSync(join(tmpdir(), 'binance-errors-packaging-'));
  const tarballs = spec.packages.map((pkg) => packWorkspace(pkg, work));
  const dir = join(work, 'app');
  mkdirSync(dir);
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  for (const [path, text] of Object.entries(spec.files)) write(path, text);
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts', ...tarballs, ...spec.registry],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return {
    dir,
    run(entry, env = {}) {
      return new Promise((resolve, reject) => {
        execFile(
          process.execPath,
          [entry],
          { cwd: dir, encoding: 'utf8', timeout: 15_000, env: { ...process.env, ...env } },
          (error, stdout, stderr) => {
            if (error) reject(new Error(`node ${entry} failed: ${error.message}\n${stdout}\n${stderr}`));
            else resolve(stdout);
          },
        );
      });
    },
    close() {
      rmSync(work, { recursive: true, force: true });
    },
  };
}
