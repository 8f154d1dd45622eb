import { DataMeter } from '../../src/index';

describe('DataMeter', () => {
  it('should start with no counts, no data, and the clock at the given time', () => {
    const meter = new DataMeter(20, 100);
    expect(meter.silenceMs).toBe(20);
    expect(meter.messages).toBe(0);
    expect(meter.bytes).toBe(0);
    expect(meter.lastDataAt).toBeUndefined();
    expect(meter.lastActivityAt).toBe(100);
    expect(meter.take()).toEqual({ messages: 0, bytes: 0, resumption: undefined });
  });

  it('should count messages and bytes and stamp the data and activity clocks', () => {
    const meter = new DataMeter(20, 0);
    meter.record(10, 5);
    meter.record(0, 6);
    meter.record(32, 9);
    expect(meter.messages).toBe(3);
    expect(meter.bytes).toBe(42);
    expect(meter.lastDataAt).toBe(9);
    expect(meter.lastActivityAt).toBe(9);
  });

  it('should reset the counts and the resumption on take, but keep the clocks', () => {
    const meter = new DataMeter(20, 0);
    meter.markOpen(1);
    meter.record(10, 5);
    expect(meter.take()).toEqual({ messages: 1, bytes: 10, resumption: { silentMs: 4, afterOpen: true } });
    expect(meter.take()).toEqual({ messages: 0, bytes: 0, resumption: undefined });
    expect(meter.messages).toBe(0);
    expect(meter.bytes).toBe(0);
    expect(meter.lastDataAt).toBe(5);
    expect(meter.lastActivityAt).toBe(5);
  });

  it('should take a pong as a sign of life but not as data', () => {
    const meter = new DataMeter(20, 0);
    meter.record(10, 5);
    meter.recordPong(50);
    expect(meter.lastActivityAt).toBe(50);
    expect(meter.lastDataAt).toBe(5);
    expect(meter.take()).toEqual({ messages: 1, bytes: 10, resumption: undefined });
  });

  it('should restart the activity clock when a socket opens', () => {
    const meter = new DataMeter(20, 0);
    meter.markOpen(70);
    expect(meter.lastActivityAt).toBe(70);
    expect(meter.lastDataAt).toBeUndefined();
  });

  describe('resumption', () => {
    it('should mark the first message after an open with the silence since the open', () => {
      const meter = new DataMeter(20, 0);
      meter.markOpen(100);
      meter.record(1, 103);
      meter.record(1, 104);
      expect(meter.take().resumption).toEqual({ silentMs: 3, afterOpen: true });
    });

    it('should mark the first message after every open, even after a short gap', () => {
      const meter = new DataMeter(1000, 0);
      meter.markOpen(0);
      meter.record(1, 1);
      meter.take();
      meter.markOpen(10);
      meter.record(1, 12);
      expect(meter.take().resumption).toEqual({ silentMs: 2, afterOpen: true });
    });

    it('should mark a message after a silence of exactly silenceMs', () => {
      const meter = new DataMeter(20, 0);
      meter.record(1, 10);
      meter.record(1, 30);
      expect(meter.take().resumption).toEqual({ silentMs: 20, afterOpen: false });
    });

    it('should not mark a message after a silence one millisecond shorter than silenceMs', () => {
      const meter = new DataMeter(20, 0);
      meter.record(1, 10);
      meter.record(1, 29);
      expect(meter.take().resumption).toBeUndefined();
    });

    it('should measure silence from the last message, not from the last pong', () => {
      const meter = new DataMeter(20, 0);
      meter.record(1, 10);
      meter.recordPong(25);
      meter.record(1, 40);
      expect(meter.take().resumption).toEqual({ silentMs: 30, afterOpen: false });
    });

    it('should keep the first resumption until it is taken', () => {
      const meter = new DataMeter(20, 0);
      meter.record(1, 0);
      meter.record(1, 30);
      meter.record(1, 100);
      expect(meter.take().resumption).toEqual({ silentMs: 30, afterOpen: false });
      meter.record(1, 200);
      expect(meter.take().resumption).toEqual({ silentMs: 100, afterOpen: false });
    });

    it('should not mark the very first message when no socket was marked open', () => {
      const meter = new DataMeter(20, 0);
      meter.record(1, 500);
      expect(meter.take().resumption).toBeUndefined();
    });
  });
});
