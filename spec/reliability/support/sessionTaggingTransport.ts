import { map } from 'rxjs';
import { Transport, TransportConnection, WireData } from '../../../src/index';

/** One socket the link opened, and every frame written to it, in order, that the socket took. */
export interface ClientSession {
  readonly index: number;
  readonly written: string[];
}

/**
 * Wraps a real transport to note, per socket, which frames were written to it (the write callback
 * reported success, i.e. the frame reached the kernel). Nothing else changes. The soak uses it to
 * tell a message lost in flight — written to a socket that then died, and after it only messages
 * that were lost too — from a message the library dropped.
 */
export function sessionTaggingTransport(inner: Transport, sessions: ClientSession[]): Transport {
  return {
    connect: () =>
      inner.connect().pipe(
        map((connection): TransportConnection => {
          const session: ClientSession = { index: sessions.length, written: [] };
          sessions.push(session);
          return {
            listen: (listener) => connection.listen(listener),
            get bufferedAmount() {
              return connection.bufferedAmount;
            },
            ping: (id) => connection.ping(id),
            abort: () => connection.abort(),
            send: (data: WireData, done) =>
              connection.send(data, (error) => {
                if (!error && typeof data === 'string') session.written.push(data);
                done(error);
              }),
          };
        }),
      ),
    drain: () => inner.drain?.() ?? Promise.resolve(),
  };
}
