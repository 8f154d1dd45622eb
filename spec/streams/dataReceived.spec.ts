import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { DataMeter } from '../../src/model/DataMeter';
import { DataSample, dataReceived } from '../../src/streams/dataReceived';

const silence = 20;

describe('dataReceived', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** Feeds the meter one message of `size` per value of `messages$`, as the transport's tap does. */
  function feed(meter: DataMeter, messages$: Observable<unknown>, size = 10): void {
    messages$.subscribe(() => meter.record(size));
  }

  const sample = (fields: Partial<DataSample>): DataSample => ({
    messages: 0,
    bytes: 0,
    messagesPerSecond: 0,
    bytesPerSecond: 0,
    lastDataAt: undefined,
    resumption: undefined,
    ...fields,
  });

  it('should match the marble diagram in its doc comment', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const meter = new DataMeter(1000, testScheduler);
      const messages = cold('-mm-m------mmm-');
      const unsub = '        ^---------------!';
      const expected = '     -----a----b----c';
      feed(meter, messages);
      expectObservable(dataReceived(meter, { sampleInterval: 5 }, testScheduler), unsub).toBe(expected, {
        // 5 ms ticks: rates are × 200 per second.
        // lastDataAt: when the tick noticed the data (the hot path reads no clock).
        a: sample({ messages: 3, bytes: 30, messagesPerSecond: 600, bytesPerSecond: 6000, lastDataAt: 5 }),
        b: sample({ lastDataAt: 5 }),
        c: sample({ messages: 3, bytes: 30, messagesPerSecond: 600, bytesPerSecond: 6000, lastDataAt: 15 }),
      });
    });
  });

  it('should emit once per tick however many messages arrive', () => {
    testScheduler.run(({ expectObservable }) => {
      const meter = new DataMeter(1000, testScheduler);
      testScheduler.schedule(() => {
        for (let i = 0; i < 100_000; i++) meter.record(1);
      }, 3);
      expectObservable(dataReceived(meter, { sampleInterval: 10 }, testScheduler), '^ 25ms !').toBe('10ms a 9ms b', {
        a: sample({
          messages: 100_000,
          bytes: 100_000,
          messagesPerSecond: 10_000_000,
          bytesPerSecond: 10_000_000,
          lastDataAt: 10,
        }),
        b: sample({ lastDataAt: 10 }),
      });
    });
  });

  it('should count each tick afresh and give per-second rates', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const meter = new DataMeter(1000, testScheduler);
      // 250 ms ticks; 2 messages of 100 bytes in the first, 1 of 40 in the second.
      feed(meter, cold('100ms m 99ms m'), 100);
      feed(meter, cold('300ms m'), 40);
      expectObservable(dataReceived(meter, { sampleInterval: 250 }, testScheduler), '^ 760ms !').toBe(
        '250ms a 249ms b 249ms c',
        {
          a: sample({ messages: 2, bytes: 200, messagesPerSecond: 8, bytesPerSecond: 800, lastDataAt: 250 }),
          b: sample({ messages: 1, bytes: 40, messagesPerSecond: 4, bytesPerSecond: 160, lastDataAt: 500 }),
          c: sample({ lastDataAt: 500 }),
        },
      );
    });
  });

  it('should sample every second by default', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const meter = new DataMeter(1000, testScheduler);
      feed(meter, cold('10ms mmm'), 5);
      expectObservable(dataReceived(meter, {}, testScheduler), '^ 2500ms !').toBe('1s a 999ms b', {
        a: sample({ messages: 3, bytes: 15, messagesPerSecond: 3, bytesPerSecond: 15, lastDataAt: 1000 }),
        b: sample({ lastDataAt: 1000 }),
      });
    });
  });

  describe('resumption', () => {
    it('should mark the first data after an open, in that tick only', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const meter = new DataMeter(silence, testScheduler);
        testScheduler.schedule(() => meter.markOpen(), 2);
        feed(meter, cold('7ms m 5ms m'));
        expectObservable(dataReceived(meter, { sampleInterval: 10 }, testScheduler), '^ 25ms !').toBe('10ms a 9ms b', {
          a: sample({
            messages: 1,
            bytes: 10,
            messagesPerSecond: 100,
            bytesPerSecond: 1000,
            lastDataAt: 7,
            resumption: { silentMs: 5, afterOpen: true },
          }),
          b: sample({ messages: 1, bytes: 10, messagesPerSecond: 100, bytesPerSecond: 1000, lastDataAt: 20 }),
        });
      });
    });

    it('should mark data after a silence of at least silenceMs, and not after a shorter one', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const meter = new DataMeter(silence, testScheduler);
        // Messages at 1, 21, 39, 75, noticed by the ticks at 10, 30, 40, 80: silence is measured between
        // the ticks that noticed data, to within the sampling interval: 20 (resumed), 10 (not), 40 (resumed).
        feed(meter, cold('1ms m 19ms m 17ms m 35ms m'));
        const one = { messages: 1, bytes: 10, messagesPerSecond: 100, bytesPerSecond: 1000 };
        expectObservable(dataReceived(meter, { sampleInterval: 10 }, testScheduler), '^ 85ms !').toBe(
          '10ms a 9ms b 9ms c 9ms d 9ms e 9ms f 9ms g 9ms h',
          {
            a: sample({ ...one, lastDataAt: 10 }),
            b: sample({ lastDataAt: 10 }),
            c: sample({ ...one, lastDataAt: 30, resumption: { silentMs: 20, afterOpen: false } }),
            d: sample({ ...one, lastDataAt: 40 }),
            e: sample({ lastDataAt: 40 }),
            f: sample({ lastDataAt: 40 }),
            g: sample({ lastDataAt: 40 }),
            h: sample({ ...one, lastDataAt: 80, resumption: { silentMs: 40, afterOpen: false } }),
          },
        );
      });
    });
  });

  it('should report lastDataAt as undefined before any data, then when a tick noticed it', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const meter = new DataMeter(silence, testScheduler);
      feed(meter, cold('12ms mm'));
      expectObservable(dataReceived(meter, { sampleInterval: 10 }, testScheduler), '^ 25ms !').toBe('10ms a 9ms b', {
        a: sample({}),
        b: sample({ messages: 2, bytes: 20, messagesPerSecond: 200, bytesPerSecond: 2000, lastDataAt: 20 }),
      });
    });
  });

  describe('the RxJS checklist', () => {
    // The stream has no source observable: the meter is read on each tick, so never / empty / error
    // sources do not apply. A quiet meter gives zero samples; see the specs above.

    it('should stop ticking when the consumer unsubscribes, leaving the counts for the next reader', () => {
      let pending = -1;
      const meter = new DataMeter(silence, testScheduler);
      testScheduler.run(({ cold, expectObservable }) => {
        feed(meter, cold('12ms m 5ms m'));
        expectObservable(dataReceived(meter, { sampleInterval: 10 }, testScheduler), '^ 14ms !').toBe('10ms a', {
          a: sample({}),
        });
        testScheduler.schedule(() => (pending = testScheduler.actions.length), 20);
      });
      expect(pending).toBe(0);
      expect(meter.take()).toEqual({ messages: 2, bytes: 20, resumption: undefined });
    });

    it('should error when reading the meter throws', () => {
      class BrokenMeter extends DataMeter {
        override take(): never {
          throw new Error('meter broke');
        }
      }
      testScheduler.run(({ expectObservable }) => {
        expectObservable(
          dataReceived(new BrokenMeter(silence, testScheduler), { sampleInterval: 5 }, testScheduler),
          '^ 20ms !',
        ).toBe('5ms #', undefined, new Error('meter broke'));
      });
    });

    it('should share one timer per period: a later subscriber ticks on the shared phase, its rate over its own span', () => {
      // Was one timer per subscription (ticks at 10 and 15): at ten thousand links that is ten thousand
      // timers a second; now the samplers of one period share one (SharedTicker).
      testScheduler.run(({ expectObservable }) => {
        const first = new DataMeter(silence, testScheduler);
        const second = new DataMeter(silence, testScheduler);
        testScheduler.schedule(() => second.record(50), 6);
        expectObservable(dataReceived(first, { sampleInterval: 10 }, testScheduler), '^ 25ms !').toBe('10ms a 9ms b', {
          a: sample({}),
          b: sample({}),
        });
        // Joins at 5: ticks at 10 (one message of 50 bytes over 5 ms: 200/s) and 20.
        expectObservable(dataReceived(second, { sampleInterval: 10 }, testScheduler), '5ms ^ 20ms !').toBe(
          '10ms a 9ms b',
          {
            a: expect.objectContaining({ messages: 1, bytes: 50, messagesPerSecond: 200, bytesPerSecond: 10_000 }),
            b: expect.objectContaining({ messages: 0, messagesPerSecond: 0 }),
          },
        );
      });
    });
  });
});
