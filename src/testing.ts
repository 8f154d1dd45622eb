// lifeline-ws/testing: drive connect() with marbles in virtual time, and a local mock exchange.
export { MarbleTransport, MarbleConnection } from './streams/MarbleTransport';
export type { MarbleTransportOptions } from './streams/MarbleTransport';
export { startMockExchange } from './cli/mockExchange';
export type { MockExchange, MockExchangeOptions, MockExchangeEvent } from './cli/mockExchange';
