export {
  type RedisCorruptKeyEvent,
  type RedisFallbackEvent,
  RedisRateStore,
  type RedisRateStoreOptions,
  type RedisRateStoreStatus,
  type RedisRecoverEvent,
  type UnavailablePolicy,
} from './RedisRateStore.ts';
