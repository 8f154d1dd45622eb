import { MockOrder } from './mockExchange';

/** What the strategy believes about one of its orders. */
type Belief = 'sent' | 'resting' | 'filled' | 'cancelled' | 'refused' | 'unknown' | 'lost';

interface Tracked {
  /** The strategy's order number, for people. */
  readonly n: number;
  belief: Belief;
}

/**
 * The demo strategy's own view of its orders, by client id (`cid`): what the replies said, what the
 * private `orders` channel said, and which requests ended with their outcome unknown. After every
 * reconnect the resync hook reads the account's orders from the exchange and `reconcile` says what
 * changed while the link was down (fills and cancels the channel could not deliver) and where each
 * order of unknown outcome stands: a client that skips this step trades on a stale book.
 *
 * @example
 * const orders = new DemoOrders();
 * orders.sent('c-1', 1);
 * orders.unknown('c-1');              // written, then the link dropped
 * orders.reconcile([]);               // after the reconnect
 * // '0 resting; nothing changed while the link was down; #1 (outcome unknown) never reached the exchange'
 */
export class DemoOrders {
  private readonly byCid = new Map<string, Tracked>();
  /** Orders of unknown outcome the resync found at the exchange, and those it did not. */
  reachedAfterAll = 0;
  neverArrived = 0;
  /** Fills and cancels first learnt from a resync: the private channel missed them. */
  missedFills = 0;
  missedCancels = 0;

  /** Order `n` was handed to `request()` with client id `cid`. */
  sent(cid: string, n: number): void {
    this.byCid.set(cid, { n, belief: 'sent' });
  }

  /** The exchange replied to the order: it rests or filled at once. */
  replied(order: MockOrder): void {
    this.set(order.cid, order.status);
  }

  /** The exchange refused the order. */
  refused(cid: string): void {
    this.set(cid, 'refused');
  }

  /** The request was written, then the link dropped or no reply came: the exchange may or may not have it. */
  unknown(cid: string): void {
    this.set(cid, 'unknown');
  }

  /** The private `orders` channel said an order changed. */
  changed(order: Pick<MockOrder, 'cid' | 'status'>): void {
    this.set(order.cid, order.status);
  }

  /** Orders the strategy believes rest at the exchange. */
  get resting(): number {
    let count = 0;
    for (const tracked of this.byCid.values()) if (tracked.belief === 'resting') count++;
    return count;
  }

  /**
   * The resync: the account's orders as the exchange has them, against the strategy's view.
   *
   * @param orders The exchange's answer to `{"method":"orders"}`.
   * @param reconnect Whether the link was up before (on the first connect there is nothing to catch up on).
   * @returns What was learnt, in a few words, e.g. `3 resting; 2 filled and 1 cancelled while the link was down`.
   */
  reconcile(orders: readonly MockOrder[], reconnect = true): string {
    const atExchange = new Map(orders.flatMap((order) => (order.cid !== undefined ? [[order.cid, order]] : [])));
    let filled = 0;
    let cancelled = 0;
    const unknowns: string[] = [];
    for (const [cid, tracked] of this.byCid) {
      const order = atExchange.get(cid);
      if (tracked.belief === 'unknown') {
        if (order === undefined) {
          tracked.belief = 'lost';
          this.neverArrived++;
          unknowns.push(`#${tracked.n} (outcome unknown) never reached the exchange`);
        } else {
          tracked.belief = order.status;
          this.reachedAfterAll++;
          unknowns.push(`#${tracked.n} (outcome unknown) did reach it: ${order.status}`);
        }
      } else if (tracked.belief === 'resting' && order !== undefined && order.status !== 'resting') {
        tracked.belief = order.status;
        if (order.status === 'filled') filled++;
        else cancelled++;
      }
    }
    this.missedFills += filled;
    this.missedCancels += cancelled;
    const resting = orders.filter((order) => order.status === 'resting').length;
    const changes = [...(filled > 0 ? [`${filled} filled`] : []), ...(cancelled > 0 ? [`${cancelled} cancelled`] : [])];
    const missed = !reconnect
      ? 'the first connect: nothing to catch up on'
      : changes.length > 0
        ? `${changes.join(' and ')} while the link was down`
        : 'nothing changed while the link was down';
    return [`${resting} resting`, missed, ...unknowns].join('; ');
  }

  private set(cid: string | undefined, belief: Belief): void {
    const tracked = cid === undefined ? undefined : this.byCid.get(cid);
    if (tracked !== undefined) tracked.belief = belief;
  }
}
