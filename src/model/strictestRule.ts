import { defaultConfig } from './LifelineConfig';
import { LifelineConfigInput } from './LifelineConfigInput';
import { parseDuration } from './parseDuration';

/** Which limit of the links a shared budget stands for: new connections, or outbound messages. */
export type LimitKind = 'connect' | 'message';

/** The limit fields of a link's options, as `connect()` takes them. */
export type LimitFields = Pick<
  LifelineConfigInput,
  'connectLimit' | 'connectLimitWindow' | 'messageLimit' | 'messageLimitWindow'
>;

/**
 * A budget rule no looser than any of the links asks for: the smallest limit (`connectLimit` or
 * `messageLimit`) with the longest window, each link's defaults filled in. For a budget the links
 * share, since exchanges count per IP or account, not per socket. Values that are not valid are
 * skipped here: `connect()` reports them, naming the link.
 *
 * @example
 * strictestRule([{ connectLimit: 30 }, { connectLimit: 2, connectLimitWindow: '90s' }], 'connect');
 * // { limit: 2, window: 90000 }
 *
 * @param links The links' options.
 * @param kind `'connect'` for the connection budget, `'message'` for the message budget.
 * @returns The rule, as `new WindowBudget(rule)` takes it.
 */
export function strictestRule(
  links: readonly LimitFields[],
  kind: LimitKind,
): { readonly limit: number; readonly window: number } {
  const limitField = kind === 'connect' ? 'connectLimit' : 'messageLimit';
  const windowField = kind === 'connect' ? 'connectLimitWindow' : 'messageLimitWindow';
  let limit = Infinity;
  let windowMs = 0;
  for (const link of links) {
    const given = link[limitField] ?? defaultConfig[limitField];
    if (typeof given === 'number' && given >= 1) limit = Math.min(limit, given);
    try {
      windowMs = Math.max(
        windowMs,
        parseDuration(link[windowField] ?? defaultConfig[windowField], windowField, { allowZero: false }),
      );
    } catch {
      // connect() throws the ConfigError for it, naming the link.
    }
  }
  return { limit, window: windowMs || defaultConfig[windowField] };
}
