import { parseArgs } from 'node:util';
import pkg from '../../package.json' with { type: 'json' };
import type { ApiProduct } from '../profiles/ApiProfile.ts';
import { profiles } from '../profiles/profileForOrigin.ts';
import { explainInput, formatExplanation } from './explain.ts';

const PRODUCTS = Object.keys(profiles) as ApiProduct[];
const PRODUCT_CHOICES = PRODUCTS.join('|');

const USAGE = `Usage: binance-errors explain <code | HTTP status | message | JSON body> [--product ${PRODUCT_CHOICES}] [--status N]
                              [--json] [--docs-base-url URL]
       binance-errors explain [--product ${PRODUCT_CHOICES}] [--status N] < response.txt     (a body, an HTML page, or the output of curl -i)
       binance-errors --version | --help

Examples:
  binance-errors explain -1021
  binance-errors explain 429
  binance-errors explain "Filter failure: LOT_SIZE"
  binance-errors explain '{"code":-2010,"msg":"Account has insufficient balance for requested action."}'
  binance-errors explain --product usdm -2019        (USDⓈ-M Futures codes)
  curl -si "$URL" | binance-errors explain`;

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  out: Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };
  err: Pick<NodeJS.WriteStream, 'write'>;
  /** Reads all of standard input; `undefined` when standard input is a terminal (nothing was piped). */
  stdin: () => Promise<string | undefined>;
}

// parseArgs reads "-1021" as a cluster of short options. A negative number is always an error code here, so it is
// hidden from parseArgs behind a character no option starts with and restored, verbatim, afterwards.
const NEGATIVE = /^-\d/;
const HIDDEN = '\u0000';

/** Runs `binance-errors <argv>` and resolves to the exit code: 0 explained, 1 not recognised, 2 bad usage. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv.map((a) => (NEGATIVE.test(a) ? HIDDEN + a : a)));
  } catch (e) {
    // parseArgs's own message quotes unevenly and suggests "--"; name the option and show the usage instead.
    const { code, message } = e as NodeJS.ErrnoException;
    const option = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'([^']*)'/.exec(message)?.[1] : undefined;
    io.err.write(`${option === undefined ? message : `Unknown option "${option}".`}\n\n${USAGE}\n`);
    return 2;
  }
  const { values } = parsed;
  const [command, ...rest] = parsed.positionals.map((a) => (a.startsWith(HIDDEN) ? a.slice(1) : a));
  if (values.version) {
    io.out.write(`${pkg.version}\n`);
    return 0;
  }
  if (values.help) {
    io.out.write(`${USAGE}\n`);
    return 0;
  }
  if (command !== 'explain') {
    io.err.write(`${command === undefined ? 'Missing command' : `Unknown command "${command}"`}.\n\n${USAGE}\n`);
    return 2;
  }
  const status = values.status === undefined ? undefined : Number(values.status);
  if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599)) {
    io.err.write(`--status must be an HTTP status from 100 to 599, got "${values.status}".\n`);
    return 2;
  }
  const product = values.product ?? 'spot';
  if (!isProduct(product)) {
    io.err.write(`--product must be one of ${PRODUCTS.join(', ')}, got "${product}".\n`);
    return 2;
  }
  const input = rest.length === 0 || (rest.length === 1 && rest[0] === '-') ? await io.stdin() : rest.join(' ');
  if (input === undefined || input.trim() === '') {
    io.err.write(`Nothing to explain: give a code, status, message or body, or pipe one in.\n\n${USAGE}\n`);
    return 2;
  }
  const explained = explainInput(input, { status, product, docsBaseUrl: values['docs-base-url'] });
  if (!explained) {
    const { title } = profiles[product];
    io.err.write(`Not a ${title} error code, HTTP status, message or body that the catalog knows: ${input}\n`);
    return 1;
  }
  io.out.write(
    `${values.json ? JSON.stringify(explained.error, null, 2) : formatExplanation(explained, io.out.isTTY === true)}\n`,
  );
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      json: { type: 'boolean' },
      status: { type: 'string' },
      product: { type: 'string' },
      'docs-base-url': { type: 'string' },
    },
  });
}

function isProduct(value: string): value is ApiProduct {
  return (PRODUCTS as string[]).includes(value);
}
