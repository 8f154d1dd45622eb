import { DataMeter } from '../../src/model/DataMeter';

/** A meter on a clock the spec moves by hand. */
function meterAt(silenceMs: number, start = 0): { meter: DataMeter; at: (time: number) => DataMeter } {
  let time = start;
  const meter = new DataMeter(silenceMs, { now: () => time });
  return {
    meter,
    at: (next: number) => {
      time = next;
      return meter;
    },
  };
}

describe('DataMeter', () => {
  it('should start with no counts, no data, and the activity clock at creation', () => {
    const { meter } = meterAt(20, 100);
    expect(meter.silenceMs).toBe(20);
    expect(meter.messages).toBe(0);
    expect(meter.bytes).toBe(0);
    expect(meter.lastDataAt()).toBeUndefined();
    expect(meter.lastActivityAt()).toBe(100);
    expect(meter.take()).toEqual({ messages: 0, bytes: 0, resumption: undefined });
  });

  it('should count messages and bytes without reading the clock', () => {
    let reads = 0;
    const meter = new DataMeter(20, {
      now: () => {
        reads++;
        return 0;
      },
    });
    const before = reads;
    for (let i = 0; i < 1000; i++) meter.record(10);
    expect(reads).toBe(before);
    expect(meter.messages).toBe(1000);
    expect(meter.bytes).toBe(10_000);
  });

  it('should stamp data that arrived since the last look with the time of the look', () => {
    const { at } = meterAt(20);
    at(5).record(10);
    at(9).record(32);
    expect(at(12).lastDataAt()).toBe(12);
    expect(at(15).lastActivityAt()).toBe(12);
    expect(at(30).lastDataAt()).toBe(12);
  });

  it('should reset the counts and the resumption on take, but keep the clocks', () => {
    const { meter, at } = meterAt(20);
    at(1).markOpen();
    at(5).record(10);
    expect(at(6).take()).toEqual({ messages: 1, bytes: 10, resumption: { silentMs: 4, afterOpen: true } });
    expect(meter.take()).toEqual({ messages: 0, bytes: 0, resumption: undefined });
    expect(meter.messages).toBe(0);
    expect(meter.bytes).toBe(0);
    expect(meter.lastDataAt()).toBe(5);
    expect(meter.lastActivityAt()).toBe(5);
  });

  it('should take a pong as a sign of life but not as data', () => {
    const { meter, at } = meterAt(20);
    at(5).record(10);
    at(5).lastDataAt();
    at(50).recordPong();
    expect(meter.lastActivityAt()).toBe(50);
    expect(meter.lastDataAt()).toBe(5);
    expect(meter.take()).toEqual({ messages: 1, bytes: 10, resumption: undefined });
  });

  it('should restart the activity clock when a socket opens', () => {
    const { meter, at } = meterAt(20);
    at(70).markOpen();
    expect(at(80).lastActivityAt()).toBe(70);
    expect(meter.lastDataAt()).toBeUndefined();
  });

  describe('resumption', () => {
    it('should stamp the first message after an open exactly, with the silence since the open', () => {
      const { meter, at } = meterAt(20);
      at(100).markOpen();
      at(103).record(1);
      at(104).record(1);
      expect(at(150).take().resumption).toEqual({ silentMs: 3, afterOpen: true });
      expect(meter.lastDataAt()).toBe(150);
    });

    it('should mark the first message after every open, even after a short gap', () => {
      const { meter, at } = meterAt(1000);
      at(0).markOpen();
      at(1).record(1);
      meter.take();
      at(10).markOpen();
      at(12).record(1);
      expect(meter.take().resumption).toEqual({ silentMs: 2, afterOpen: true });
    });

    it('should mark data noticed silenceMs or more after data was last noticed', () => {
      const { at } = meterAt(20);
      at(10).record(1);
      at(10).lastDataAt();
      at(29).record(1);
      expect(at(30).take().resumption).toEqual({ silentMs: 20, afterOpen: false });
    });

    it('should not mark data noticed sooner than silenceMs', () => {
      const { at } = meterAt(20);
      at(10).record(1);
      at(10).lastDataAt();
      at(29).record(1);
      expect(at(29).take().resumption).toBeUndefined();
    });

    it('should measure silence from data, not from a pong', () => {
      const { at } = meterAt(20);
      at(10).record(1);
      at(10).take();
      at(25).recordPong();
      at(40).record(1);
      expect(at(40).take().resumption).toEqual({ silentMs: 30, afterOpen: false });
    });

    it('should keep the first resumption until it is taken', () => {
      const { at } = meterAt(20);
      at(0).record(1);
      at(0).lastDataAt();
      at(30).record(1);
      at(30).lastDataAt();
      at(100).record(1);
      expect(at(100).take().resumption).toEqual({ silentMs: 30, afterOpen: false });
      at(200).record(1);
      expect(at(200).take().resumption).toEqual({ silentMs: 100, afterOpen: false });
    });

    it('should not mark the very first message when no socket was marked open', () => {
      const { at } = meterAt(20);
      at(500).record(1);
      expect(at(500).take().resumption).toBeUndefined();
    });
  });
});
