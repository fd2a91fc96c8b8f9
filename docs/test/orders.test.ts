import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSnippets, extractTs, type Snippet } from '../scripts/check-snippets.ts';

/** An order a docs sample places: its parameters, where it is, and the filters the sample says may reject it. */
interface SampleOrder {
  origin: string;
  params: Record<string, string>;
  /** Filter names the sample quotes ('LOT_SIZE'): a sample that shows a rejection names the filter it expects. */
  named: string[];
}

const FILTERS = ['PRICE_FILTER', 'LOT_SIZE', 'MARKET_LOT_SIZE', 'NOTIONAL', 'MIN_NOTIONAL', 'PERCENT_PRICE_BY_SIDE'];

/** Every object literal with `symbol`, `side`, `type` and a quantity: the parameters of an order placement. */
function ordersIn(snippet: Snippet): SampleOrder[] {
  const file = ts.createSourceFile('sample.ts', snippet.code, ts.ScriptTarget.Latest, true);
  const objects = new Map<string, ts.ObjectLiteralExpression>();
  const literals: ts.ObjectLiteralExpression[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      if (ts.isObjectLiteralExpression(node.initializer)) objects.set(node.name.text, node.initializer);
    }
    if (ts.isObjectLiteralExpression(node)) literals.push(node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  const named = FILTERS.filter((f) => snippet.code.includes(`'${f}'`) && snippet.code.includes("'filter'"));
  return literals
    .map((literal) => ({ origin: snippet.origin, params: paramsOf(literal, objects, snippet.origin), named }))
    .filter(({ params }) => params.symbol && params.side && params.type && (params.quantity || params.quoteOrderQty));
}

function paramsOf(
  literal: ts.ObjectLiteralExpression,
  objects: Map<string, ts.ObjectLiteralExpression>,
  origin: string,
): Record<string, string> {
  const params: Record<string, string> = {};
  for (const p of literal.properties) {
    if (ts.isSpreadAssignment(p) && ts.isIdentifier(p.expression) && objects.has(p.expression.text)) {
      Object.assign(params, paramsOf(objects.get(p.expression.text)!, objects, origin));
    } else if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) {
      const value = p.initializer;
      if (ts.isStringLiteral(value) || ts.isNumericLiteral(value)) params[p.name.text] = value.text;
    }
  }
  return params;
}

const KEY = { apiKey: 'docs-key', secret: 'docs-secret' };
let ex: FakeExchange;

async function testOrder(params: Record<string, string>) {
  const query = new URLSearchParams({ ...params, timestamp: String(ex.now()) }).toString();
  const signature = createHmac('sha256', KEY.secret).update(query).digest('hex');
  const res = await fetch(`${ex.url}/api/v3/order/test`, {
    method: 'POST',
    headers: { 'X-MBX-APIKEY': KEY.apiKey, 'content-type': 'application/x-www-form-urlencoded' },
    body: `${query}&signature=${signature}`,
  });
  return { status: res.status, body: (await res.json()) as { code?: number; msg?: string } };
}

describe('orders in the docs', () => {
  // The root README's samples are fragments (they do not type-check alone), but their orders are still copied.
  const readme = extractTs(readFileSync(new URL('../../README.md', import.meta.url), 'utf8'), '../README.md');
  const orders = [...collectSnippets(), ...readme].flatMap(ordersIn);

  beforeAll(async () => {
    ex = await createFakeExchange({ accounts: [{ ...KEY, balances: { USDT: '1000000', BTC: '100' } }] });
  });
  afterAll(() => ex.close());

  it('are found on the error pages, the guides and the package READMEs', () => {
    const origins = orders.map((o) => o.origin);
    expect(origins).toContain('snippet(axios, filter)');
    expect(origins.some((o) => o.startsWith('guide/'))).toBe(true);
    expect(origins.some((o) => o.startsWith('../packages/axios/README.md'))).toBe(true);
    expect(origins.some((o) => o.startsWith('../README.md'))).toBe(true);
  });

  it("pass the fake exchange's filters, unless the sample shows that very filter failure", async () => {
    const failures: string[] = [];
    for (const { origin, params, named } of orders) {
      const { status, body } = await testOrder(params);
      if (status === 200) continue;
      const filter = /^Filter failure: (\w+)$/.exec(body.msg ?? '')?.[1];
      // The generated error-page snippets share one order: it must pass, whatever page it is on.
      const allowed = origin.startsWith('snippet(') ? [] : named;
      if (filter === undefined || !allowed.includes(filter))
        failures.push(`${origin}: ${JSON.stringify(params)} → ${status} ${body.code} ${body.msg}`);
    }
    expect(failures).toEqual([]);
  });
});
