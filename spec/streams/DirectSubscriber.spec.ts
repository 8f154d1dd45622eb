import { Subscription, config, firstValueFrom, map, take, toArray } from 'rxjs';
import { defaultQualityThresholds } from '../../src/model/ConnectionQuality';
import { LinkModel, initialLinkModel } from '../../src/model/LinkModel';
import { Broadcast } from '../../src/streams/Broadcast';
import { DirectSubscriber, isRxSubscriber } from '../../src/streams/DirectSubscriber';
import { LinkStore } from '../../src/streams/LinkStore';

const status = (model: LinkModel): string => model.state.status;
const open = { type: 'open', at: 1, attempt: 0, reconnect: false } as const;

/** Collects what `config.onUnhandledError` is handed while `body` runs and its microtasks settle. */
async function unhandledDuring(body: () => void): Promise<unknown[]> {
  const reported: unknown[] = [];
  const before = config.onUnhandledError;
  config.onUnhandledError = (error) => reported.push(error);
  try {
    body();
    await Promise.resolve();
    await Promise.resolve();
  } finally {
    config.onUnhandledError = before;
  }
  return reported;
}

describe('DirectSubscriber', () => {
  it('should call a function observer with each value until unsubscribed', () => {
    const seen: number[] = [];
    const subscriber = new DirectSubscriber<number>((value) => seen.push(value));
    subscriber.next(1);
    subscriber.unsubscribe();
    subscriber.next(2);
    expect(seen).toEqual([1]);
    expect(subscriber.closed).toBe(true);
  });

  it('should call an observer object as a method, keeping its `this`', () => {
    const observer = {
      seen: [] as number[],
      next(value: number): void {
        this.seen.push(value);
      },
    };
    new DirectSubscriber<number>(observer).next(7);
    expect(observer.seen).toEqual([7]);
  });

  it('should call complete once, before running what was added, and then be closed', () => {
    const order: string[] = [];
    const subscriber = new DirectSubscriber<number>({
      next: (value) => order.push(`next ${value}`),
      complete: () => order.push(`complete (closed: ${subscriber.closed})`),
    });
    subscriber.add(() => order.push('finalizer'));
    subscriber.complete();
    subscriber.complete();
    subscriber.next(3);
    expect(order).toEqual(['complete (closed: false)', 'finalizer']);
    expect(subscriber.closed).toBe(true);
  });

  it('should hand an error to the error handler, and report it when there is none', async () => {
    const handled: unknown[] = [];
    const failure = new Error('link failed');
    const reported = await unhandledDuring(() => {
      new DirectSubscriber<number>({ error: (error) => handled.push(error) }).error(failure);
      new DirectSubscriber<number>((value) => value).error(failure);
    });
    expect(handled).toEqual([failure]);
    expect(reported).toEqual([failure]);
  });

  it('should report a throw from the observer instead of throwing it into the stream', async () => {
    const bug = new Error('strategy bug');
    let returned = false;
    const reported = await unhandledDuring(() => {
      new DirectSubscriber<number>(() => {
        throw bug;
      }).next(1);
      returned = true;
    });
    expect(returned).toBe(true);
    expect(reported).toEqual([bug]);
  });

  it('should be a Subscription: a parent unsubscribes it, and it leaves its parent when it ends', () => {
    const parent = new Subscription();
    const seen: number[] = [];
    const child = new DirectSubscriber<number>((value) => seen.push(value));
    parent.add(child);
    parent.unsubscribe();
    child.next(1);
    expect(child.closed).toBe(true);
    expect(seen).toEqual([]);
  });
});

describe("lifeline's own streams, subscribed", () => {
  it('should give a selection subscriber the current value, each change and the end', () => {
    const store = new LinkStore(initialLinkModel(0, 5), defaultQualityThresholds, 10);
    const seen: string[] = [];
    const subscription = store.select(status).subscribe({
      next: (value) => seen.push(value),
      complete: () => seen.push('done'),
    });
    store.dispatch(open);
    store.complete();
    expect(seen).toEqual(['Connecting', 'Connected', 'done']);
    expect(subscription.closed).toBe(true);
  });

  it('should keep the deprecated positional form: next, error, complete', () => {
    const broadcast = new Broadcast<number>();
    const seen: string[] = [];
    broadcast.asObservable().subscribe(
      (value) => seen.push(String(value)),
      null,
      () => seen.push('done'),
    );
    broadcast.next(4);
    broadcast.complete();
    expect(seen).toEqual(['4', 'done']);
  });

  it('should run operators and promises on the subscriber RxJS makes', async () => {
    const store = new LinkStore(initialLinkModel(0, 5), defaultQualityThresholds, 10);
    const statuses = firstValueFrom(
      store.select(status).pipe(
        map((value) => value.toUpperCase()),
        take(2),
        toArray(),
      ),
    );
    store.dispatch(open);
    await expect(statuses).resolves.toEqual(['CONNECTING', 'CONNECTED']);
  });

  it('should stop a subscriber added to a parent when the parent is unsubscribed', () => {
    const broadcast = new Broadcast<number>();
    const seen: number[] = [];
    const parent = new Subscription();
    parent.add(broadcast.asObservable().subscribe((value) => seen.push(value)));
    broadcast.next(1);
    parent.unsubscribe();
    broadcast.next(2);
    expect(seen).toEqual([1]);
  });
});

describe('isRxSubscriber', () => {
  it('should tell a subscriber (an observer that is a subscription) from an observer', () => {
    expect(isRxSubscriber(new DirectSubscriber(() => undefined))).toBe(true);
    const lookalike = {
      closed: false,
      next: () => undefined,
      error: () => undefined,
      complete: () => undefined,
      unsubscribe: () => undefined,
      add: () => undefined,
      remove: () => undefined,
    };
    expect(isRxSubscriber(lookalike)).toBe(true);
    expect(isRxSubscriber({ next: () => undefined, error: () => undefined, complete: () => undefined })).toBe(false);
    expect(isRxSubscriber((value: number) => value)).toBe(false);
    expect(isRxSubscriber(undefined)).toBe(false);
  });
});
