/**
 * @packageDocumentation
 * @module @binance-errors/got
 */
export * from '@binance-errors/got';
