import WebSocket from 'ws';
import {
  Connection,
  ConnectionEvent,
  ConnectionEventType as E,
  ConnectionStatus as S,
  ConnectOptions,
  connect,
} from '../../src/index';
import { FaultProxy, startFaultProxy } from '../support/faultProxy';
import { TestServer, startTestServer, waitFor } from '../support/testServer';

/** Fast settings: every fault plays out in well under a second of real time. */
const fast: Partial<ConnectOptions> = {
  heartbeatInterval: 100,
  heartbeatTimeout: 300,
  initialDelay: 50,
  maxDelay: 400,
  jitter: 'none',
  resetOnSuccess: 0,
  sampleInterval: 50,
  recoveryInterval: 'Infinity',
};

describe('connect() against a real ws server', () => {
  let server: TestServer | undefined;
  let proxy: FaultProxy | undefined;
  let link: Connection | undefined;
  let statuses: S[];
  let events: ConnectionEvent[];

  function open(url: string, options: Partial<ConnectOptions> = {}): Connection {
    link = connect({ url, ...fast, ...options });
    statuses = [];
    events = [];
    link.status$.subscribe((status) => statuses.push(status));
    link.events$.subscribe((event) => events.push(event));
    return link;
  }

  const status = (): S => (link as Connection).snapshot().status;
  const types = (): string[] => events.map((e) => e.type);

  afterEach(async () => {
    await link?.close();
    await proxy?.close();
    await server?.close();
    link = undefined;
    proxy = undefined;
    server = undefined;
  });

  it('should connect, deliver messages both ways and close cleanly', async () => {
    server = await startTestServer({ onConnection: (socket) => socket.send('{"channel":"hello"}') });
    const messages: unknown[] = [];
    open(server.url).messages$.subscribe((m) => messages.push(m));
    await waitFor(() => messages.length === 1, 3000, 'the first message');
    expect(messages).toEqual([{ channel: 'hello' }]);
    await link?.send({ method: 'order', px: '67000.5' });
    await waitFor(() => server?.received.length === 1, 3000, 'the order on the server');
    expect(server.received).toEqual(['{"method":"order","px":"67000.5"}']);
    expect(statuses).toEqual([S.Connecting, S.Connected]);
    const serverSide = server.sockets[0] as WebSocket;
    const closedWith = new Promise<number>((resolve) => serverSide.on('close', (code) => resolve(code)));
    await link?.close();
    expect(await closedWith).toBe(1000);
    expect(statuses).toEqual([S.Connecting, S.Connected, S.Disconnected]);
  });

  describe.each([
    ['cleanly (1000)', (socket: WebSocket) => socket.close(1000, 'bye'), /1000 normal closure \(bye\)/],
    ['going away (1001)', (socket: WebSocket) => socket.close(1001, 'restart'), /1001 going away \(restart\)/],
    ['abnormally (socket destroyed, 1006)', (socket: WebSocket) => socket.terminate(), /1006/],
  ])('when the server closes %s', (_name, closeIt, message) => {
    it('should report Disconnected with the close code and reconnect', async () => {
      server = await startTestServer();
      open(server.url);
      const first = await server.nextConnection();
      await waitFor(() => status() === S.Connected, 3000, 'Connected');
      closeIt(first);
      await waitFor(() => server?.connections === 2 && status() === S.Connected, 3000, 'the reconnect');
      expect(types()).toEqual([E.Connected, E.Disconnected, E.ReconnectAttempt, E.ReconnectSuccess]);
      expect(events[1]?.errorMessage).toMatch(message);
      expect(statuses).toEqual([S.Connecting, S.Connected, S.Disconnected, S.Reconnecting, S.Connected]);
    });
  });

  it('should reconnect to a restarted server, replay subscriptions and deliver queued sends once, in order', async () => {
    server = await startTestServer();
    const port = server.port;
    open(server.url, {
      subscriptions: [{ op: 'subscribe', channel: 'trades' }],
      initialDelay: 100,
      maxDelay: 100,
      maxAttempts: 50,
    });
    await waitFor(() => status() === S.Connected, 3000, 'Connected');
    await server.close();
    await waitFor(() => status() === S.Reconnecting, 3000, 'Reconnecting');
    const sent = [1, 2, 3, 4, 5].map((n) => (link as Connection).send({ order: n }));
    expect(link?.snapshot().queued).toBe(5);
    server = await startTestServer({ port });
    await Promise.all(sent);
    await waitFor(() => server?.received.length === 6, 3000, 'six messages on the server');
    expect(server.received).toEqual([
      '{"op":"subscribe","channel":"trades"}',
      '{"order":1}',
      '{"order":2}',
      '{"order":3}',
      '{"order":4}',
      '{"order":5}',
    ]);
    expect(server.connections).toBe(1);
    expect(link?.snapshot().stats).toMatchObject({
      totalConnections: 2,
      totalDisconnections: 1,
      successfulReconnects: 1,
    });
  });

  it('should fail after maxAttempts when the server never returns', async () => {
    server = await startTestServer();
    const url = server.url;
    await server.close();
    server = undefined;
    open(url, { maxAttempts: 3, initialDelay: 20, maxDelay: 40 });
    await waitFor(() => status() === S.Failed, 5000, 'Failed');
    expect(events.filter((e) => e.type === E.ReconnectAttempt).map((e) => e.retryCount)).toEqual([1, 2, 3]);
    expect(events[events.length - 1]).toMatchObject({ type: E.ErrorOccurred, retryCount: 3 });
    expect(events[0]?.errorMessage).toMatch(/ECONNREFUSED/);
  });

  it('should measure round trips with protocol pings', async () => {
    server = await startTestServer();
    const samples: number[] = [];
    open(server.url).latency$.subscribe((sample) => samples.push(sample.latencyMs));
    await waitFor(() => samples.length >= 3, 3000, 'three pongs');
    expect(samples.every((ms) => ms >= 0 && ms < 1000)).toBe(true);
    expect(link?.snapshot().quality.latencySamples).toBeGreaterThanOrEqual(3);
  });

  it('should measure round trips with application pings and hide the pongs from messages$', async () => {
    let pings = 0;
    server = await startTestServer({
      autoPong: false,
      onConnection: (socket) =>
        socket.on('message', (data) => {
          if (data.toString() === '{"method":"ping"}') {
            pings++;
            socket.send('{"channel":"pong"}');
          }
        }),
    });
    const messages: unknown[] = [];
    const samples: number[] = [];
    const handle = open(server.url, { ping: 'app', pongMatch: '"channel":"pong"' });
    handle.messages$.subscribe((m) => messages.push(m));
    handle.latency$.subscribe((s) => samples.push(s.latencyMs));
    await waitFor(() => samples.length >= 3, 3000, 'three application pongs');
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(messages).toEqual([]);
    expect(status()).toBe(S.Connected);
  });

  it('should find a half-open link through the proxy by the heartbeat timeout, and reconnect', async () => {
    server = await startTestServer();
    proxy = await startFaultProxy(server.port);
    open(`ws://127.0.0.1:${proxy.port}`, { adaptiveHeartbeat: false, dynamicTimeout: false });
    await waitFor(() => status() === S.Connected, 3000, 'Connected');
    const blackholedAt = Date.now();
    proxy.blackhole();
    await waitFor(() => types().includes(E.HeartbeatTimeout), 3000, 'HeartbeatTimeout');
    const detectedIn = Date.now() - blackholedAt;
    expect(detectedIn).toBeGreaterThanOrEqual(200);
    proxy.restore();
    await waitFor(() => server?.connections === 2 && status() === S.Connected, 3000, 'the reconnect');
    expect(types().slice(0, 5)).toEqual([
      E.Connected,
      E.HeartbeatTimeout,
      E.Disconnected,
      E.ReconnectAttempt,
      E.ReconnectSuccess,
    ]);
  });

  it('should measure a round trip longer than the ping interval, and degrade on it', async () => {
    server = await startTestServer();
    proxy = await startFaultProxy(server.port);
    const samples: number[] = [];
    open(`ws://127.0.0.1:${proxy.port}`, {
      heartbeatInterval: 100,
      heartbeatTimeout: 2000,
      latencyWarning: 150,
      unstableTimeout: 'Infinity',
    }).latency$.subscribe((s) => samples.push(s.latencyMs));
    await waitFor(() => status() === S.Connected, 3000, 'Connected');
    proxy.delay(120);
    await waitFor(() => status() === S.Unstable, 5000, 'Unstable');
    // Each ping's own pong: about 240 ms, more than twice the interval.
    expect(samples.slice(-3).every((ms) => ms >= 200)).toBe(true);
    proxy.delay(0);
    await waitFor(() => status() === S.Connected, 5000, 'Connected again');
    expect(server.connections).toBe(1);
  });

  it('should degrade to Unstable under injected latency and recover when it is removed', async () => {
    server = await startTestServer();
    proxy = await startFaultProxy(server.port);
    open(`ws://127.0.0.1:${proxy.port}`, {
      heartbeatInterval: 400,
      heartbeatTimeout: 2000,
      adaptiveHeartbeat: false,
      latencyWarning: 150,
      unstableTimeout: 'Infinity',
    });
    await waitFor(() => status() === S.Connected, 3000, 'Connected');
    proxy.delay(120);
    await waitFor(() => status() === S.Unstable, 5000, 'Unstable');
    expect(types()).toContain(E.QualityDegraded);
    proxy.delay(0);
    await waitFor(() => status() === S.Connected, 5000, 'Connected again');
    expect(types()).toContain(E.QualityImproved);
    expect(server.connections).toBe(1);
  });
});
