import { ExchangeProfile, ProfileMetadata } from './ExchangeProfile';

/**
 * Builds an `ExchangeProfile`: the options as they are, the metadata attached non-enumerable, so that
 * `{ ...profile }` carries only what `connect()` accepts while `profile.rules` still reads.
 *
 * @example
 * const profile = defineProfile({ url: 'wss://x.test/ws', ping: 'app' }, { exchange: 'X', rules: [] });
 * profile.exchange;             // 'X'
 * Object.keys({ ...profile });  // ['url', 'ping']
 *
 * @param options The `connect()` options of the profile.
 * @param metadata The exchange's name, its rules with sources, its per-connection subscription cap.
 * @returns The options, frozen, with the metadata as non-enumerable properties.
 */
export function defineProfile<In, Out>(
  options: Omit<ExchangeProfile<In, Out>, keyof ProfileMetadata>,
  metadata: ProfileMetadata,
): ExchangeProfile<In, Out> {
  const profile = { ...options };
  for (const [key, value] of Object.entries(metadata)) {
    if (value !== undefined) Object.defineProperty(profile, key, { value, enumerable: false });
  }
  return Object.freeze(profile) as ExchangeProfile<In, Out>;
}
