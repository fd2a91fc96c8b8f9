/**
 * @packageDocumentation
 * @module @binance-errors/testing
 */
export * from '@binance-errors/testing';
