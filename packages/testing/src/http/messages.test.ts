import errors from '@binance-errors/core/data/errors.json' with { type: 'json' };
import messages from '@binance-errors/core/data/messages.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { isDocumentedMessage } from './documentedMessage.ts';
import * as m from './messages.ts';

const documented = [
  ...(errors as { messages: string[]; exampleMessages?: string[] }[]).flatMap((e) => [
    ...e.messages,
    ...(e.exampleMessages ?? []),
  ]),
  ...(messages as { message: string }[]).map((x) => x.message),
];

const isDocumented = (text: string) => isDocumentedMessage(documented, text);

describe('MSG', () => {
  it('uses only messages the Spot API docs list', () => {
    for (const [name, text] of Object.entries(m.MSG)) expect([name, isDocumented(text)]).toEqual([name, true]);
  });

  it('fills the documented templates', () => {
    const filled = [
      m.mandatoryParam('symbol'),
      m.eitherParam('orderId', 'origClientOrderId'),
      m.greaterThan('recvWindow', 60000),
      m.illegalChars('limit', '^[0-9]{1,20}$'),
      m.notRequired('price'),
      m.tooMuchPrecision('quantity'),
      m.invalidParamData('limit'),
      m.filterFailure('LOT_SIZE'),
      m.tooMuchWeight(6000, '1 MINUTE'),
      m.ipBanned(1659146400000),
      m.tooManyOrders(50, '10 SECOND'),
    ];
    for (const text of filled) expect([text, isDocumented(text)]).toEqual([text, true]);
    expect(m.tooMuchWeight(6000, '1 MINUTE')).toBe(
      'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.',
    );
  });
});
