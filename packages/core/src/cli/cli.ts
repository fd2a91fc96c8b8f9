#!/usr/bin/env node
import { main } from './main.ts';

// parseArgs would read a negative code ("-1021") as an option: pass codes on without the sign.
const args = process.argv.slice(2).map((a) => (/^-\d+$/.test(a) ? a.slice(1) : a));
process.exitCode = main(args);
