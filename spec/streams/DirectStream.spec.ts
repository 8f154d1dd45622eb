import { config, of } from 'rxjs';
import { initialLinkModel } from '../../src/model/LinkModel';
import { defaultQualityThresholds } from '../../src/model/ConnectionQuality';
import { LinkModel } from '../../src/model/LinkModel';
import { Broadcast } from '../../src/streams/Broadcast';
import { ShieldedListener, listenTo } from '../../src/streams/DirectStream';
import { LinkStore } from '../../src/streams/LinkStore';

const status = (model: LinkModel): string => model.state.status;

describe('listenTo', () => {
  const recorder = (): {
    seen: string[];
    listener: { next: (v: unknown) => void; error: () => void; complete: () => void };
  } => {
    const seen: string[] = [];
    return {
      seen,
      listener: {
        next: (v) => seen.push(String(v)),
        error: () => seen.push('error'),
        complete: () => seen.push('done'),
      },
    };
  };

  it('should hand a selection to a listener as a subscriber gets it: the current value, each change, the end', () => {
    const store = new LinkStore(initialLinkModel(0, 5), defaultQualityThresholds, 10);
    const { seen, listener } = recorder();
    listenTo(store.select(status), listener);
    store.dispatch({ type: 'open', at: 1, attempt: 0, reconnect: false });
    store.complete();
    expect(seen).toEqual(['Connecting', 'Connected', 'done']);
  });

  it('should stop a listener that unsubscribed, and hand a broadcast only what comes after', () => {
    const broadcast = new Broadcast<number>();
    const { seen, listener } = recorder();
    broadcast.next(0);
    const input = listenTo(broadcast.asObservable(), listener);
    broadcast.next(1);
    input.unsubscribe();
    broadcast.next(2);
    broadcast.complete();
    expect(seen).toEqual(['1']);
  });

  it('should report a throwing listener and go on with the others', async () => {
    const reported: unknown[] = [];
    config.onUnhandledError = (error) => reported.push(error);
    try {
      const broadcast = new Broadcast<number>();
      const { seen, listener } = recorder();
      listenTo(broadcast.asObservable(), {
        next: () => {
          throw new Error('listener bug');
        },
        error: () => undefined,
        complete: () => undefined,
      });
      listenTo(broadcast.asObservable(), listener);
      broadcast.next(7);
      await Promise.resolve();
      expect(seen).toEqual(['7']);
      expect(reported).toEqual([new Error('listener bug')]);
    } finally {
      config.onUnhandledError = null;
    }
  });

  it('should subscribe a stream that is not lifeline’s own', () => {
    const { seen, listener } = recorder();
    listenTo(of('a', 'b'), listener);
    expect(seen).toEqual(['a', 'b', 'done']);
  });

  it('should hold a shielded listener as it is (no wrapper), shielding its throws and closing it at the end', async () => {
    const reported: unknown[] = [];
    config.onUnhandledError = (error) => reported.push(error);
    try {
      const heard: string[] = [];
      class Input extends ShieldedListener<number> {
        protected hear(value: number): void {
          if (value < 0) throw new Error('negative');
          heard.push(String(value));
        }
        protected failed(): void {
          heard.push('failed');
        }
        protected ended(): void {
          heard.push('ended');
        }
      }
      const input = new Input();
      const broadcast = new Broadcast<number>();
      expect(listenTo(broadcast.asObservable(), input)).toBe(input);
      broadcast.next(1);
      broadcast.next(-1);
      broadcast.next(2);
      broadcast.complete();
      await Promise.resolve();
      expect(heard).toEqual(['1', '2', 'ended']);
      expect(input.closed).toBe(true);
      expect(reported).toEqual([new Error('negative')]);
    } finally {
      config.onUnhandledError = null;
    }
  });
});
