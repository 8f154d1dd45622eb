// The `lifeline-ws/testing` entry: what a strategy's specs need to drive lifeline without a real exchange.

// Drive connect() with marbles in virtual time.
export { MarbleTransport, MarbleConnection } from './streams/MarbleTransport';
export type { MarbleInlet, MarbleTransportOptions } from './streams/MarbleTransport';
export type { RefusalHeaders } from './model/upgradeRejected';

// The demo's mock exchange: a local ws server on 127.0.0.1 with fault switches.
export { startMockExchange } from './cli/mockExchange';
export type {
  MockExchange,
  MockExchangeOptions,
  MockExchangeEvent,
  MockOrder,
  MockErrorCode,
} from './cli/mockExchange';
