import { ConnectOptions } from '../../../src/index';

/**
 * Short intervals so every fault plays out in well under a second of real time: ping every 100 ms,
 * dead after 300 ms of silence, first retry after 50 ms, no jitter (delays are exact), no connection
 * budget (a case may make many attempts), and no recovery probe unless a case asks for one.
 */
export const fastSettings = {
  heartbeatInterval: 100,
  heartbeatTimeout: 300,
  initialDelay: 50,
  maxDelay: 400,
  jitter: 'none',
  resetOnSuccess: 0,
  sampleInterval: 50,
  handshakeTimeout: 1000,
  closeTimeout: 300,
  recoveryInterval: 'Infinity',
  connectLimit: Infinity,
} as const satisfies Partial<ConnectOptions>;
