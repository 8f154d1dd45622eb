// Pins what a request can say and ask: session.request takes a reply timeout only (it is written at once,
// ahead of the queue: a ttl would be silently ignored), and a RequestError never carries a reason no
// request produces.
import { expectTypeOf } from 'expect-type';
import { Connection, RequestFailure, Session, SessionRequestOptions } from '../../src/index';

declare const session: Session<{ id?: number }, { op: string }>;
declare const link: Connection<{ id?: number }, { op: string }>;

export async function cases(): Promise<void> {
  await session.request({ op: 'login' }, { timeout: '2s' });
  expectTypeOf(session.request).parameter(1).toEqualTypeOf<SessionRequestOptions | undefined>();
  // @ts-expect-error session.request has no ttl: it goes ahead of anything queued
  await session.request({ op: 'login' }, { ttl: '2s' });
  // The handle's request waits in the queue: it has both.
  await link.request({ op: 'order' }, { timeout: '2s', ttl: '1s' });

  expectTypeOf<RequestFailure>().toEqualTypeOf<
    'closed' | 'overflow' | 'expired' | 'encode' | 'disconnected' | 'timeout' | 'rejected'
  >();
}
