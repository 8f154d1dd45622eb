import { TestScheduler } from 'rxjs/testing';
import { SendError, WireData } from '../../src/index';
import { OutboundQueue } from '../../src/streams/OutboundQueue';
import { Write } from '../../src/streams/OutboundQueue';

/** Lets every settled promise run its callbacks. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('OutboundQueue', () => {
  let testScheduler: TestScheduler;
  /** How each entry left the queue: 'a: sent', or 'a: <reason>: <message>'. */
  let outcomes: string[];

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    outcomes = [];
  });

  /** Adds `data` and records how its promise settles. */
  function track(queue: OutboundQueue, data: string, ttlMs = Infinity): Promise<void> {
    const sent = queue.add(data, ttlMs);
    sent.then(
      () => outcomes.push(`${data}: sent`),
      (error: SendError) => outcomes.push(`${data}: ${error.reason}: ${error.message}`),
    );
    return sent;
  }

  /** A socket that takes every frame and acknowledges it at once. */
  function socket(): { written: WireData[]; write: Write } {
    const written: WireData[] = [];
    return {
      written,
      write: (data, done) => {
        written.push(data);
        done();
        return true;
      },
    };
  }

  it('should flush the entries in the order they were added and resolve each one', async () => {
    const { written, write } = socket();
    testScheduler.run(() => {
      const queue = new OutboundQueue(10, testScheduler);
      for (const data of ['a', 'b', 'c']) track(queue, data, 100);
      expect(queue.length).toBe(3);
      queue.flush(write);
      expect(queue.length).toBe(0);
    });
    await settle();
    expect(written).toEqual(['a', 'b', 'c']);
    expect(outcomes).toEqual(['a: sent', 'b: sent', 'c: sent']);
  });

  it('should stop flushing when write returns false and keep the rest, in order, for the next flush', async () => {
    const written: WireData[] = [];
    let open = 2;
    const write: Write = (data, done) => {
      if (open-- <= 0) return false;
      written.push(data);
      done();
      return true;
    };
    testScheduler.run(() => {
      const queue = new OutboundQueue(10, testScheduler);
      for (const data of ['a', 'b', 'c', 'd']) track(queue, data);
      queue.flush(write);
      expect(written).toEqual(['a', 'b']);
      expect(queue.length).toBe(2);
      track(queue, 'e');
      open = Infinity;
      queue.flush(write);
      expect(queue.length).toBe(0);
    });
    await settle();
    expect(written).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(outcomes).toEqual(['a: sent', 'b: sent', 'c: sent', 'd: sent', 'e: sent']);
  });

  it('should send nothing and keep everything while the socket is not open', async () => {
    let attempts = 0;
    testScheduler.run(() => {
      const queue = new OutboundQueue(10, testScheduler);
      track(queue, 'a');
      track(queue, 'b');
      queue.flush(() => {
        attempts++;
        return false;
      });
      expect(queue.length).toBe(2);
    });
    await settle();
    expect(attempts).toBe(1);
    expect(outcomes).toEqual([]);
  });

  it('should resolve an entry only once the socket has written it', async () => {
    const acks: Array<(error?: Error) => void> = [];
    testScheduler.run(() => {
      const queue = new OutboundQueue(10, testScheduler);
      track(queue, 'a', 10);
      queue.flush((_data, done) => {
        acks.push(done);
        return true;
      });
    });
    await settle();
    expect(outcomes).toEqual([]);
    acks[0]?.();
    await settle();
    expect(outcomes).toEqual(['a: sent']);
  });

  describe('time-to-live', () => {
    it('should reject an entry with expired at exactly its TTL and remove it from the queue', async () => {
      const lengths: Array<[number, number]> = [];
      const { written, write } = socket();
      testScheduler.run(() => {
        const queue = new OutboundQueue(10, testScheduler);
        track(queue, 'a');
        track(queue, 'b', 100);
        track(queue, 'c');
        for (const frame of [99, 100, 101]) testScheduler.schedule(() => lengths.push([frame, queue.length]), frame);
        testScheduler.schedule(() => queue.flush(write), 150);
      });
      await settle();
      // Still queued one frame before the TTL, gone on the frame of the TTL.
      expect(lengths).toEqual([
        [99, 3],
        [100, 2],
        [101, 2],
      ]);
      // A later flush never sends the expired entry: the caller already saw it fail.
      expect(written).toEqual(['a', 'c']);
      expect(outcomes).toEqual([
        'b: expired: not sent within its time-to-live of 100 ms; it will never be sent',
        'a: sent',
        'c: sent',
      ]);
    });

    it('should not expire an entry once it was written', async () => {
      let pending = -1;
      const { write } = socket();
      testScheduler.run(() => {
        const queue = new OutboundQueue(10, testScheduler);
        track(queue, 'a', 100);
        testScheduler.schedule(() => queue.flush(write), 50);
        testScheduler.schedule(() => (pending = testScheduler.actions.length), 51);
      });
      await settle();
      expect(pending).toBe(0);
      expect(outcomes).toEqual(['a: sent']);
    });

    it('should not expire an entry the socket accepted but has not acknowledged yet', async () => {
      const acks: Array<(error?: Error) => void> = [];
      testScheduler.run(() => {
        const queue = new OutboundQueue(10, testScheduler);
        track(queue, 'a', 100);
        testScheduler.schedule(
          () =>
            queue.flush((_data, done) => {
              acks.push(done);
              return true;
            }),
          50,
        );
        testScheduler.schedule(() => acks[0]?.(), 200);
      });
      await settle();
      expect(outcomes).toEqual(['a: sent']);
    });

    it('should schedule nothing for an entry without a TTL', async () => {
      let pending = -1;
      testScheduler.run(() => {
        const queue = new OutboundQueue(10, testScheduler);
        track(queue, 'a');
        pending = testScheduler.actions.length;
      });
      await settle();
      expect(pending).toBe(0);
      expect(outcomes).toEqual([]);
    });
  });

  it('should reject an entry beyond capacity with overflow and keep the others', async () => {
    const { written, write } = socket();
    testScheduler.run(() => {
      const queue = new OutboundQueue(2, testScheduler);
      track(queue, 'a');
      track(queue, 'b');
      track(queue, 'c');
      expect(queue.length).toBe(2);
      queue.flush(write);
      track(queue, 'd');
    });
    await settle();
    expect(written).toEqual(['a', 'b']);
    expect(outcomes).toEqual([
      'c: overflow: send queue full: 2 messages already wait for the link',
      'a: sent',
      'b: sent',
    ]);
  });

  it('should reject with write when the socket fails while writing, with the socket error as cause', async () => {
    const failure = new Error('EPIPE');
    const errors: SendError[] = [];
    testScheduler.run(() => {
      const queue = new OutboundQueue(10, testScheduler);
      track(queue, 'a').catch((error: SendError) => errors.push(error));
      track(queue, 'b');
      let first = true;
      queue.flush((_data, done) => {
        done(first ? failure : undefined);
        first = false;
        return true;
      });
      expect(queue.length).toBe(0);
    });
    await settle();
    expect(outcomes).toEqual(['a: write: socket failed while writing: EPIPE', 'b: sent']);
    expect(errors[0]).toBeInstanceOf(SendError);
    expect(errors[0]?.code).toBe('LIFELINE_SEND');
    expect(errors[0]?.cause).toBe(failure);
  });

  it('should reject every entry with the given error, empty the queue and cancel its timers', async () => {
    const closed = new SendError('closed', 'connection closed before the message could be sent');
    const errors: unknown[] = [];
    let pending = -1;
    testScheduler.run(() => {
      const queue = new OutboundQueue(10, testScheduler);
      for (const data of ['a', 'b', 'c']) track(queue, data, 100).catch((error: unknown) => errors.push(error));
      testScheduler.schedule(() => {
        queue.rejectAll(closed);
        pending = testScheduler.actions.length;
        expect(queue.length).toBe(0);
      }, 10);
    });
    await settle();
    expect(pending).toBe(0);
    expect(errors).toEqual([closed, closed, closed]);
    expect(errors.every((error) => error === closed)).toBe(true);
    expect(outcomes).toEqual([
      'a: closed: connection closed before the message could be sent',
      'b: closed: connection closed before the message could be sent',
      'c: closed: connection closed before the message could be sent',
    ]);
  });

  it('should let a throwing write reach the flusher and keep the entry at the head of the queue', async () => {
    const { written, write } = socket();
    testScheduler.run(() => {
      const queue = new OutboundQueue(10, testScheduler);
      track(queue, 'a');
      track(queue, 'b');
      expect(() =>
        queue.flush(() => {
          throw new Error('transport bug');
        }),
      ).toThrow('transport bug');
      expect(queue.length).toBe(2);
      queue.flush(write);
    });
    await settle();
    expect(written).toEqual(['a', 'b']);
    expect(outcomes).toEqual(['a: sent', 'b: sent']);
  });

  it('should pass Buffers through untouched', async () => {
    const { written, write } = socket();
    const frame = Buffer.from([0x01, 0x02]);
    testScheduler.run(() => {
      const queue = new OutboundQueue(10, testScheduler);
      queue.add(frame, Infinity);
      queue.flush(write);
    });
    await settle();
    expect(written[0]).toBe(frame);
  });
});
