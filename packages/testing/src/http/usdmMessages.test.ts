import usdmErrors from '@binance-errors/core/data/usdm/errors.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { isDocumentedMessage } from './documentedMessage.ts';
import {
  invalidBatchSize,
  invalidDepthLimit,
  minNotional,
  modificationMinNotional,
  USDM_MSG,
  USDM_TEXTS,
} from './usdmMessages.ts';

const documented = usdmErrors.errors.flatMap((e) => [...e.messages, ...(e.exampleMessages ?? [])]);

const isDocumented = (text: string) => isDocumentedMessage(documented, text);

describe('USDM_MSG', () => {
  it('uses only messages the futures docs list', () => {
    for (const [name, text] of Object.entries(USDM_MSG)) expect([name, isDocumented(text)]).toEqual([name, true]);
  });

  it('fills the documented futures templates', () => {
    const filled = [
      minNotional('100'),
      modificationMinNotional('100'),
      invalidBatchSize(6),
      invalidDepthLimit('7'),
      USDM_TEXTS.tooMuchWeight(2400, '1 MINUTE'),
      USDM_TEXTS.ipBanned(1615183669840),
      USDM_TEXTS.tooManyOrders(300, '10 SECOND'),
      USDM_TEXTS.serverBusy,
    ];
    for (const text of filled) expect([text, isDocumented(text)]).toEqual([text, true]);
  });
});
