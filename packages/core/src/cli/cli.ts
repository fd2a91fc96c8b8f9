#!/usr/bin/env node
import { text } from 'node:stream/consumers';
import { main } from './main.ts';

main(process.argv.slice(2), {
  out: process.stdout,
  err: process.stderr,
  stdin: async () => (process.stdin.isTTY ? undefined : text(process.stdin)),
}).then((code) => {
  process.exitCode = code;
});
