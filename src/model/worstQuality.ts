import { ConnectionQuality, overallScore } from './ConnectionQuality';

/** The quality of a group of links: the figures of its worst link (lowest `overallScore`), with that link's name and score. */
export interface PoolQuality extends ConnectionQuality {
  /** The link these figures belong to. */
  readonly name: string;
  /** Its `overallScore`, 0–100. */
  readonly score: number;
}

/**
 * The quality of the link with the lowest `overallScore`, tagged with its name and score; on a tie,
 * the first named. A group is as good as its worst link: one trade gate over the group judges that one.
 *
 * @example
 * worstQuality(['market', 'user'], [good, poor]); // { ...poor, name: 'user', score: 42 }
 *
 * @param names The links' names, in the order of `qualities`.
 * @param qualities Each link's quality (at least one).
 * @returns The worst one, with its name and score.
 */
export function worstQuality(names: readonly string[], qualities: readonly ConnectionQuality[]): PoolQuality {
  let worst = 0;
  let worstScore = Infinity;
  qualities.forEach((quality, i) => {
    const score = overallScore(quality);
    if (score < worstScore) {
      worst = i;
      worstScore = score;
    }
  });
  return { ...(qualities[worst] as ConnectionQuality), name: names[worst] as string, score: worstScore };
}

/**
 * Whether two group qualities say the same: the same link, the same figures (a new object with
 * nothing new in it is not news).
 *
 * @example
 * sameQuality(worstQuality(['a'], [q]), worstQuality(['a'], [{ ...q }])); // true
 *
 * @param a One group quality.
 * @param b Another.
 * @returns Whether they name the same link with the same figures.
 */
export function sameQuality(a: PoolQuality, b: PoolQuality): boolean {
  return (
    a.name === b.name &&
    a.averageLatencyMs === b.averageLatencyMs &&
    a.latencySamples === b.latencySamples &&
    a.packetLossRate === b.packetLossRate &&
    a.connectionStability === b.connectionStability &&
    a.dataThroughput === b.dataThroughput &&
    a.errorRate === b.errorRate &&
    a.uptimePercentage === b.uptimePercentage
  );
}
