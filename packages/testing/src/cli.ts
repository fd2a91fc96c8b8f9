#!/usr/bin/env node
import { DEMO_ACCOUNT, parseCliArgs, USAGE } from './cli/parseCliArgs.ts';
import { createFakeExchange } from './createFakeExchange.ts';

// Entry point of the `binance-fake-exchange` command: parse flags, start, print where, stay up until SIGINT/SIGTERM.

async function main(): Promise<void> {
  let config: ReturnType<typeof parseCliArgs>;
  try {
    config = parseCliArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (config.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { options } = config;
  if (config.verbose) {
    options.onRequest = (e) =>
      process.stdout.write(
        `${e.method} ${e.path} ${e.status}${e.code ? ` ${e.code}` : ''} weight=${e.weight}${e.fault ? ` fault=${e.fault}` : ''}\n`,
      );
  }
  const ex = await createFakeExchange(options);
  if (config.stormMs !== undefined) ex.storm({ durationMs: config.stormMs });
  const key = options.accounts?.[0];
  const lines = [
    `binance-fake-exchange listening on ${ex.url}`,
    `  api key:    ${key?.apiKey}`,
    config.demoKey
      ? `  api secret: ${DEMO_ACCOUNT.secret} (HMAC-SHA256 demo key)`
      : '  credentials: as given on the command line',
    `  limits:     ${ex.rateLimits.map((l) => `${l.limit} ${l.rateLimitType} / ${l.intervalNum} ${l.interval} (${l.intervalMs} ms)`).join(', ')}`,
  ];
  if (ex.skewMs !== 0) lines.push(`  skew:       ${ex.skewMs} ms`);
  if (config.stormMs !== undefined) lines.push(`  storm:      -1008 for ${config.stormMs} ms`);
  lines.push('Press Ctrl+C to stop.');
  process.stdout.write(`${lines.join('\n')}\n`);

  const stop = () => {
    ex.close().then(() => {
      process.stdout.write('stopped\n');
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
