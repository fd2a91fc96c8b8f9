/**
 * @packageDocumentation
 * @module @binance-errors/redis
 */
export * from '@binance-errors/redis';
