/**
 * @packageDocumentation
 * @module @binance-errors/axios
 */
export * from '@binance-errors/axios';
