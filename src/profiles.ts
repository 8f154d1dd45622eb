// lifeline-ws/profiles: exchanges' published rules as connect() options, each number with its source.
// Spread one into connect() and override what you need: connect({ ...okx(), subscriptions }).
export { hyperliquid, HYPERLIQUID_URL, HYPERLIQUID_TESTNET_URL, HYPERLIQUID_GREETING } from './profiles/hyperliquid';
export type { HyperliquidOptions } from './profiles/hyperliquid';
export { binanceSpot, binanceFutures } from './profiles/binance';
export type { BinanceOptions, BinanceEndpoint, BinanceLogon } from './profiles/binance';
export { bybit } from './profiles/bybit';
export type { BybitOptions, BybitChannel, BybitCredentials } from './profiles/bybit';
export { okx } from './profiles/okx';
export type { OkxOptions, OkxChannel, OkxCredentials } from './profiles/okx';
export { exchangeProfiles } from './profiles/exchangeProfiles';
export { defineProfile } from './profiles/defineProfile';
export type { ExchangeProfile, ProfileMetadata, ProfileRule } from './profiles/ExchangeProfile';
export type { JsonObject } from './profiles/JsonObject';
