import { parseArgs } from 'node:util';
import { explainInput, formatExplanation } from './explain.ts';

const USAGE = `Usage: binance-errors explain <code | message | JSON body> [--docs-base-url URL] [--json]

Examples:
  binance-errors explain -1021
  binance-errors explain "Filter failure: LOT_SIZE"
  binance-errors explain '{"code":-2010,"msg":"Account has insufficient balance for requested action."}'`;

/** Runs `binance-errors <argv>` and returns the exit code. Negative codes must arrive without their minus sign. */
export function main(argv: string[], out = process.stdout, err = process.stderr): number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    err.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || command === undefined) {
    out.write(`${USAGE}\n`);
    return command === undefined && !parsed.values.help ? 2 : 0;
  }
  if (command !== 'explain' || rest.length === 0) {
    err.write(`Unknown command or missing input: ${argv.join(' ')}\n\n${USAGE}\n`);
    return 2;
  }
  const input = rest.join(' ');
  const explained = explainInput(input, parsed.values['docs-base-url']);
  if (!explained) {
    err.write(`Not a Binance Spot error code, message or body that the catalog knows: ${input}\n`);
    return 1;
  }
  out.write(
    `${parsed.values.json ? JSON.stringify(explained, null, 2) : formatExplanation(explained, Boolean(out.isTTY))}\n`,
  );
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      json: { type: 'boolean' },
      'docs-base-url': { type: 'string' },
    },
  });
}
