import { binanceFutures, binanceSpot } from './binance';
import { bybit } from './bybit';
import { ExchangeProfile } from './ExchangeProfile';
import { hyperliquid } from './hyperliquid';
import { JsonObject } from './JsonObject';
import { okx } from './okx';

/**
 * Every profile by the name the CLI takes (`lifeline monitor --exchange okx URL`), each with its
 * default options: public market data, no credentials.
 *
 * @example
 * Object.keys(exchangeProfiles); // ['hyperliquid', 'binance-spot', 'binance-futures', 'bybit', 'okx']
 * exchangeProfiles.okx().heartbeatInterval; // '20s'
 */
export const exchangeProfiles: Readonly<Record<string, () => ExchangeProfile<unknown, JsonObject>>> = {
  hyperliquid: () => hyperliquid(),
  'binance-spot': () => binanceSpot(),
  'binance-futures': () => binanceFutures(),
  bybit: () => bybit(),
  okx: () => okx(),
};
