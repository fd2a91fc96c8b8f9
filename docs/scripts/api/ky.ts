/**
 * @packageDocumentation
 * @module @binance-errors/ky
 */
export * from '@binance-errors/ky';
