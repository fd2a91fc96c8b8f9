/**
 * `npm start`: a short, narrated tour of what binance-errors does. No keys and no network: everything runs
 * against data and servers on this machine.
 */
import { demoClassifier } from './demo-classify.ts';

const write = (line: string) => process.stdout.write(`${line}\n`);

write('binance-errors demo\n');
write(
  '1. Every failure becomes a typed, redacted BinanceError that says whether to retry and whether the order executed:\n',
);
const classified = demoClassifier(write);
write(`\nDone: ${classified} failures classified, none with a secret left in them.`);
