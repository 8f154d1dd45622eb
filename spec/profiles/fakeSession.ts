import { Subject } from 'rxjs';
import { Session, SessionRequestOptions } from '../../src/streams/SessionOptions';

/** A `Session` for handshake specs: what is sent and requested is recorded; replies are pushed by the spec. */
export interface FakeSession<In, Out> extends Session<In, Out> {
  readonly inbound: Subject<In>;
  readonly sent: Out[];
  readonly requested: Out[];
}

/**
 * @param now The exchange's time `exchangeNow()` reports, ms.
 * @param reply What `request()` resolves with (or a function of the request; throw to reject).
 */
export function fakeSession<In = unknown, Out = unknown>(
  now: number,
  reply: (request: Out) => unknown = () => ({}),
): FakeSession<In, Out> {
  const inbound = new Subject<In>();
  const sent: Out[] = [];
  const requested: Out[] = [];
  return {
    attempt: 0,
    reconnect: false,
    url: 'ws://127.0.0.1:1/ws',
    inbound,
    sent,
    requested,
    messages$: inbound.asObservable(),
    send: async (message: Out) => {
      sent.push(message);
    },
    request: async <Reply = In>(message: Out, _options?: SessionRequestOptions): Promise<Reply> => {
      requested.push(message);
      return reply(message) as Reply;
    },
    exchangeNow: () => now,
  };
}
