/**
 * @packageDocumentation
 * @module @binance-errors/core
 */
export * from '@binance-errors/core';
