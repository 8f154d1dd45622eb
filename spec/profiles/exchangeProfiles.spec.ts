import { configFields } from '../../src/model/configFields';
import { resolveConfig } from '../../src/model/LifelineConfig';
import { LifelineConfigInput } from '../../src/model/LifelineConfigInput';
import { ExchangeProfile } from '../../src/profiles/ExchangeProfile';
import { binanceFutures, binanceSpot } from '../../src/profiles/binance';
import { bybit } from '../../src/profiles/bybit';
import { exchangeProfiles } from '../../src/profiles/exchangeProfiles';
import { hyperliquid } from '../../src/profiles/hyperliquid';
import { okx } from '../../src/profiles/okx';
import { JsonObject } from '../../src/profiles/JsonObject';

const SESSION_OPTIONS = [
  'handshake',
  'resync',
  'correlation',
  'acks',
  'messageBudget',
  'reconnectOn',
  'fatalOn',
  'ignoreFrames',
];
const sign = (): string => 'signature';

/** Every profile and every variant of its options that changes what it contains. */
const variants: ReadonlyArray<[string, () => ExchangeProfile<unknown, JsonObject>]> = [
  ['hyperliquid()', () => hyperliquid()],
  ['hyperliquid({ testnet })', () => hyperliquid({ testnet: true })],
  ['binanceSpot()', () => binanceSpot()],
  ['binanceSpot(userData)', () => binanceSpot({ endpoint: 'userData', listenKey: async () => 'k' })],
  ['binanceSpot(api, logon)', () => binanceSpot({ endpoint: 'api', logon: { apiKey: 'a', sign } })],
  ['binanceFutures()', () => binanceFutures()],
  ['binanceFutures(api)', () => binanceFutures({ endpoint: 'api', testnet: true })],
  ['bybit()', () => bybit()],
  ['bybit(private)', () => bybit({ channel: 'private', credentials: { apiKey: 'a', sign } })],
  ['bybit(trade)', () => bybit({ channel: 'trade', testnet: true, credentials: { apiKey: 'a', sign } })],
  ['okx()', () => okx()],
  ['okx(private)', () => okx({ channel: 'private', demo: true, credentials: { apiKey: 'a', passphrase: 'p', sign } })],
];

describe('exchange profiles', () => {
  describe.each(variants)('%s', (_name, make) => {
    const profile = make();

    it('should hold only options connect() knows, so a spread of it is never refused', () => {
      const known = ['url', ...Object.keys(configFields), ...SESSION_OPTIONS];
      expect(Object.keys({ ...profile }).filter((key) => !known.includes(key))).toEqual([]);
    });

    it('should keep its metadata out of a spread, yet readable on the profile', () => {
      const spread = { ...profile } as Record<string, unknown>;
      expect([spread.rules, spread.exchange, spread.subscriptionsPerConnection]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      expect(profile.exchange.length).toBeGreaterThan(0);
      expect(profile.rules.length).toBeGreaterThan(5);
    });

    it('should have settings that pass resolveConfig, heartbeat timeout over the interval included', () => {
      const settings = Object.fromEntries(Object.entries(profile).filter(([key]) => key in configFields));
      expect(() => resolveConfig({ ...settings, url: 'wss://exchange.test/ws' } as LifelineConfigInput)).not.toThrow();
    });

    it('should cite a source for every rule, and say what each rule is', () => {
      for (const { rule, value, source } of profile.rules) {
        expect({ rule, cited: /https?:\/\/\S+/.test(source), said: value.length > 0 }).toEqual({
          rule,
          cited: true,
          said: true,
        });
      }
    });

    it('should be frozen, so one handle cannot change another’s profile', () => {
      expect(Object.isFrozen(profile)).toBe(true);
    });
  });

  it('should name every profile the CLI offers, each building a profile', () => {
    expect(Object.keys(exchangeProfiles)).toEqual(['hyperliquid', 'binance-spot', 'binance-futures', 'bybit', 'okx']);
    for (const make of Object.values(exchangeProfiles)) expect(typeof make().url).toBe('string');
  });

  it('should let options spread after a profile override it', () => {
    const options = { ...okx(), heartbeatInterval: '5s' };
    expect(options.heartbeatInterval).toBe('5s');
    expect(okx().heartbeatInterval).toBe('20s');
  });
});
