import { Subscription, filter, firstValueFrom, timeout } from 'rxjs';
import { Deadman, DeadmanEvent, GateState, deadman, tradeGate } from '../../src/index';
import { JsonObject } from '../../src/profiles/JsonObject';
import { hyperliquid } from '../../src/profiles/hyperliquid';
import { HyperliquidMock } from '../support/exchanges/hyperliquidMock';
import { FAST_RETRY, SessionConnection, connectSession, ready } from '../support/exchanges/sessionConnect';
import { FaultProxy, startFaultProxy } from '../support/faultProxy';
import { waitFor } from '../support/testServer';

// The mock's rules scaled by 0.01: scheduleCancel must be ≥ 50 ms ahead, the idle cut is 600 ms.
const SCALE = 0.01;
/** How far ahead each arm puts the exchange's cancel-all time. */
const COUNTDOWN = 600;
/** The switch: an arm every 100 ms, armed for 300 ms after each success (less than the countdown). */
const EVERY = 100;
const FAIL_AFTER = 300;

describe('deadman() against the Hyperliquid mock’s scheduleCancel', () => {
  let mock: HyperliquidMock;
  let proxy: FaultProxy;
  let link: SessionConnection<unknown, JsonObject> | undefined;
  let dms: Deadman | undefined;
  let watching: Subscription;
  let gates: GateState[];
  let events: DeadmanEvent[];
  /** When the exchange should refuse arms (a cancel time too early, as a broken clock would send). */
  let refusing: boolean;

  const action = (connection: SessionConnection<unknown, JsonObject>, body: JsonObject): JsonObject => ({
    method: 'post',
    request: {
      type: 'action',
      payload: { action: body, nonce: Math.round(connection.exchangeNow()), signature: {} },
    },
  });

  /** A bot: its link through the fault proxy, its switch pushing scheduleCancel forward, its gate. */
  const startBot = async (): Promise<SessionConnection<unknown, JsonObject>> => {
    const connection = connectSession<unknown, JsonObject>({
      ...hyperliquid(),
      url: `ws://127.0.0.1:${proxy.port}`,
      ...FAST_RETRY,
      heartbeatInterval: 20_000 * SCALE,
      heartbeatTimeout: 45_000 * SCALE,
    });
    link = connection;
    dms = deadman(connection, {
      every: EVERY,
      failAfter: FAIL_AFTER,
      // An arm that cannot be written at once must not go out late: ttl under the period.
      arm: () =>
        connection.request(
          action(connection, {
            type: 'scheduleCancel',
            time: Math.round(connection.exchangeNow()) + (refusing ? 10 : COUNTDOWN),
          }),
          { ttl: EVERY / 2 },
        ),
    });
    const { gate$ } = tradeGate(connection, { settle: 50, deadman: dms });
    gates = [];
    events = [];
    watching.add(
      gate$.subscribe((gate) => {
        gates.push(gate);
        // Into the exchange's own log, so the order of the bot's gate and the exchange's cancel shows.
        mock.log.push(`bot gate ${gate.open ? 'open' : 'closed'} ${gate.reason}`);
      }),
    );
    watching.add(dms.events$.subscribe((event) => events.push(event)));
    await ready(connection);
    await firstValueFrom(
      gate$.pipe(
        filter((gate) => gate.open),
        timeout(3000),
      ),
    );
    return connection;
  };

  const placeOrders = async (connection: SessionConnection<unknown, JsonObject>): Promise<void> => {
    await connection.request(
      action(connection, {
        type: 'order',
        orders: [
          { a: 0, b: true, p: '1', s: '1' },
          { a: 0, b: false, p: '2', s: '1' },
        ],
      }),
    );
    expect(mock.orders.size).toBe(2);
  };

  const arms = (): number => mock.log.filter((line) => line.startsWith('arm ')).length;
  const lastGate = (): GateState | undefined => gates[gates.length - 1];

  beforeEach(async () => {
    watching = new Subscription();
    refusing = false;
    mock = await HyperliquidMock.start({ scale: SCALE });
    proxy = await startFaultProxy(mock.port);
  });

  afterEach(async () => {
    watching.unsubscribe();
    dms?.unsubscribe();
    dms = undefined;
    await link?.close();
    link = undefined;
    await proxy.close();
    await mock.close();
  });

  it('should keep the exchange’s cancel time ahead while the gate is open: nothing is cancelled', async () => {
    const connection = await startBot();
    await placeOrders(connection);
    const before = arms();
    // Three countdowns: without re-arming, the exchange would have cancelled long ago.
    await new Promise((resolve) => setTimeout(resolve, 3 * COUNTDOWN));
    expect(mock.cancelledByTimer).toEqual([]);
    expect(mock.orders.size).toBe(2);
    expect(mock.cancelAllArmed).toBe(true);
    expect(arms() - before).toBeGreaterThanOrEqual(10);
    expect(lastGate()).toMatchObject({ open: true });
    expect(events.map((event) => event.type)).toEqual(['deadmanArmed']);
  });

  it('should let the exchange cancel the resting orders within its countdown once the link goes half-open', async () => {
    const connection = await startBot();
    await placeOrders(connection);
    const cut = Date.now();
    proxy.blackhole(); // nothing passes, nothing closes: only a timer can tell
    await waitFor(() => mock.cancelledByTimer.length === 2, COUNTDOWN + 1000, 'the exchange’s cancel-all');
    const cancelledAfter = Date.now() - cut;
    expect(cancelledAfter).toBeLessThanOrEqual(COUNTDOWN + 1000);
    expect(mock.orders.size).toBe(0);
    // The arms hang and time out; the switch lapses (failAfter) before the exchange cancels
    // (countdown), so the bot's gate was closed by then: no order could go out unguarded.
    expect(mock.log.indexOf('bot gate closed deadman')).toBeGreaterThan(-1);
    expect(mock.log.indexOf('bot gate closed deadman')).toBeLessThan(mock.log.indexOf('cancel-all account 2'));
    expect(events.find((event) => event.type === 'deadmanArmFailed')?.errorMessage).toMatch(/no answer within/);
    expect(events.map((event) => event.type)).toContain('deadmanLapsed');
  });

  it('should let the exchange cancel within its countdown once the bot stops arming, and close the gate at once', async () => {
    const connection = await startBot();
    await placeOrders(connection);
    const stopped = Date.now();
    dms?.unsubscribe();
    expect(lastGate()).toMatchObject({ open: false, reason: 'deadman' });
    await waitFor(() => mock.cancelledByTimer.length === 2, COUNTDOWN + 1000, 'the exchange’s cancel-all');
    expect(Date.now() - stopped).toBeLessThanOrEqual(COUNTDOWN + 1000);
    // The link itself is fine: the exchange saw no disconnect, only no more arms.
    expect(connection.snapshot().status).toBe('Connected');
    expect(mock.openConnections()).toHaveLength(1);
  });

  it('should close the gate when the exchange refuses arms for failAfter, before it cancels, and reopen once it accepts', async () => {
    const connection = await startBot();
    await placeOrders(connection);
    refusing = true;
    await waitFor(() => lastGate()?.reason === 'deadman', 3000, 'the gate to close (deadman)');
    // failAfter (300 ms) is under the countdown (600 ms): the gate closes before the exchange cancels.
    expect(mock.cancelledByTimer).toEqual([]);
    const failures = events.filter((event) => event.type === 'deadmanArmFailed');
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures[0]?.errorMessage).toMatch(/too early/);
    expect(events.map((event) => event.type)).toContain('deadmanLapsed');
    refusing = false;
    await waitFor(() => lastGate()?.open === true, 3000, 'the gate to reopen');
    expect(events[events.length - 1]).toMatchObject({ type: 'deadmanArmed', severity: 2 });
    expect(connection.snapshot().status).toBe('Connected');
  });
});
