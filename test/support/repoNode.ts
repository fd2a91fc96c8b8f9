import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository's root, where its scripts run. */
export const root = resolve(import.meta.dirname, '..', '..');

const pinned = join(root, 'node_modules', '.bin', 'node');
/** The repo's own Node 24, which runs the TypeScript directly, whatever Node runs vitest. */
export const node = existsSync(pinned) ? pinned : process.execPath;
