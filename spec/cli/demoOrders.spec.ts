import { DemoOrders } from '../../src/cli/demoOrders';
import { MockOrder } from '../../src/cli/mockExchange';

const order = (cid: string, status: MockOrder['status'], orderId = cid): MockOrder => ({
  orderId,
  cid,
  side: 'buy',
  px: 1,
  sz: 1,
  status,
});

describe('DemoOrders', () => {
  it('should say there is nothing to catch up on at the first connect', () => {
    expect(new DemoOrders().reconcile([], false)).toBe('0 resting; the first connect: nothing to catch up on');
  });

  it('should learn from the resync the fills and cancels the private channel missed while the link was down', () => {
    const orders = new DemoOrders();
    for (const [n, cid] of ['c-1', 'c-2', 'c-3', 'c-4'].entries()) {
      orders.sent(cid, n + 1);
      orders.replied(order(cid, 'resting'));
    }
    orders.changed({ cid: 'c-4', status: 'filled' }); // heard on the channel while up: not missed
    expect(orders.resting).toBe(3);
    const found = orders.reconcile([
      order('c-1', 'filled'),
      order('c-2', 'cancelled'),
      order('c-3', 'resting'),
      order('c-4', 'filled'),
    ]);
    expect(found).toBe('1 resting; 1 filled and 1 cancelled while the link was down');
    expect([orders.missedFills, orders.missedCancels, orders.resting]).toEqual([1, 1, 1]);
    expect(orders.reconcile([order('c-3', 'resting')])).toBe('1 resting; nothing changed while the link was down');
  });

  it('should settle each order of unknown outcome: found at the exchange, or never arrived', () => {
    const orders = new DemoOrders();
    orders.sent('c-11', 11);
    orders.sent('c-12', 12);
    orders.unknown('c-11');
    orders.unknown('c-12');
    expect(orders.reconcile([order('c-12', 'resting')])).toBe(
      '1 resting; nothing changed while the link was down; #11 (outcome unknown) never reached the exchange; ' +
        '#12 (outcome unknown) did reach it: resting',
    );
    expect([orders.neverArrived, orders.reachedAfterAll, orders.resting]).toEqual([1, 1, 1]);
    // Settled once: the next resync does not report them again.
    expect(orders.reconcile([order('c-12', 'resting')])).toBe('1 resting; nothing changed while the link was down');
  });

  it('should ignore news of orders it never sent', () => {
    const orders = new DemoOrders();
    orders.changed({ cid: 'other', status: 'filled' });
    orders.refused('nope');
    expect(orders.reconcile([order('other', 'resting')])).toBe('1 resting; nothing changed while the link was down');
    expect(orders.resting).toBe(0);
  });
});
