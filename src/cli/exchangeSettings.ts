import { WireData } from '../model/Codec';
import { ConfigError } from '../model/ConfigError';
import { configFields } from '../model/configFields';
import { LifelineConfigInput } from '../model/LifelineConfig';
import { ExchangeProfile } from '../profiles/ExchangeProfile';
import { exchangeProfiles } from '../profiles/exchangeProfiles';
import { JsonObject, isJsonObject } from '../profiles/JsonObject';
import { AckRule, SessionOptions } from '../streams/SessionOptions';

/** What `--exchange <name>` applies: the profile's settings, and its session options for text frames. */
export interface ExchangeSettings {
  /** The profile's name, as given. */
  readonly exchange: string;
  /** The settings (heartbeat, ping, limits, ...), under any flag the user gives. */
  readonly config: Partial<LifelineConfigInput>;
  /**
   * The session options, over text: the monitor reads frames raw (`rawCodec`), so each predicate
   * parses the JSON it is given, and a frame that is not JSON is simply not about it.
   */
  readonly session: SessionOptions<WireData, WireData>;
}

/**
 * The profile `lifeline monitor --exchange <name>` applies. Its settings come first and every flag the
 * user types overrides them; its session (acknowledged `--subscribe` messages, reconnect notices, fatal
 * errors, frames to ignore) is adapted to the monitor's raw text frames. Credentials are not taken on
 * the command line, so no profile logs in here: private channels are for the library.
 *
 * @example
 * exchangeSettings('okx').config.heartbeatInterval; // '20s'
 * exchangeSettings('kraken'); // throws ConfigError: exchange "kraken" (allowed: hyperliquid, binance-spot, …)
 *
 * @param name The `--exchange` value.
 * @returns The settings and the session options.
 * @throws ConfigError naming the exchanges there are, for any other name.
 */
export function exchangeSettings(name: unknown): ExchangeSettings {
  const names = Object.keys(exchangeProfiles);
  const make = typeof name === 'string' ? exchangeProfiles[name] : undefined;
  if (make === undefined) throw new ConfigError('exchange', name, names.join(', '));
  const profile = make();
  const config = Object.fromEntries(Object.entries(profile).filter(([key]) => key in configFields));
  return { exchange: name as string, config, session: overText(profile) };
}

/** The session options of a JSON profile, taking and giving text frames. */
function overText(profile: ExchangeProfile<unknown, JsonObject>): SessionOptions<WireData, WireData> {
  const { acks, reconnectOn, fatalOn, ignoreFrames } = profile;
  return {
    ...(ignoreFrames !== undefined ? { ignoreFrames } : {}),
    ...(reconnectOn !== undefined ? { reconnectOn: (frame: WireData) => reconnectOn(parsed(frame)) } : {}),
    ...(fatalOn !== undefined ? { fatalOn: (frame: WireData) => fatalOn(parsed(frame)) } : {}),
    ...(acks !== undefined
      ? {
          acks: (subscription: WireData): AckRule<WireData> | undefined => {
            const message = parsed(subscription);
            const rule = isJsonObject(message) ? acks(message) : undefined;
            return rule === undefined ? undefined : { ...rule, match: (frame: WireData) => rule.match(parsed(frame)) };
          },
        }
      : {}),
  };
}

/** A frame as JSON, or as the text it is when it is not JSON. */
function parsed(frame: WireData): unknown {
  const text = typeof frame === 'string' ? frame : frame.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
