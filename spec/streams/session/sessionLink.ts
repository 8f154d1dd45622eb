import { TestScheduler } from 'rxjs/testing';
import { Connection, ConnectOptions, connect } from '../../../src/index';
import { MarbleTransport } from '../../../src/testing';

/** The messages of these specs: JSON objects both ways. */
export type Msg = Record<string, unknown>;

/**
 * A link on a marble transport, in virtual time, with the settings these specs share (no jitter,
 * a retry after 1 s); `closeAt` closes it, so that every timer stops and the run can end.
 */
export function sessionLink(
  scheduler: TestScheduler,
  transport: MarbleTransport,
  closeAt: number,
  options: Partial<ConnectOptions<Msg, Msg>> = {},
): Connection<Msg, Msg> {
  const link = connect<Msg, Msg>({
    url: 'ws://exchange.test/ws',
    transport,
    scheduler,
    jitter: 'none',
    initialDelay: 1000,
    maxDelay: 1000,
    ...options,
  });
  scheduler.schedule(() => void link.close(), closeAt);
  return link;
}

/** The frames of a script: `o` opens the socket; the rest are the inbound frames a spec names. */
export function framesOf(frames: Record<string, Msg | string>): Record<string, string> {
  const out: Record<string, string> = { o: MarbleTransport.OPEN };
  for (const [key, value] of Object.entries(frames))
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  return out;
}
