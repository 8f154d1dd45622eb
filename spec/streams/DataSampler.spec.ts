import { VirtualTimeScheduler } from 'rxjs';
import { DataMeter } from '../../src/model/DataMeter';
import { DataSampler } from '../../src/streams/DataSampler';

describe('DataSampler', () => {
  const setup = (): { meter: DataMeter; sampler: DataSampler; at: (ms: number) => void } => {
    const scheduler = new VirtualTimeScheduler();
    const meter = new DataMeter(1000, scheduler);
    const sampler = new DataSampler(meter, scheduler);
    const at = (ms: number): void => {
      scheduler.schedule(() => undefined, ms - scheduler.now());
      scheduler.flush();
    };
    return { meter, sampler, at };
  };

  it('should match its doc example: the rates over the time since the previous tick', () => {
    const { meter, sampler, at } = setup();
    for (let i = 0; i < 812; i++) meter.record(150);
    at(1000);
    expect(sampler.sample()).toMatchObject({
      messages: 812,
      bytes: 121_800,
      messagesPerSecond: 812,
      bytesPerSecond: 121_800,
    });
  });

  it('should keep the time of a skipped tick, so the next rates are over the last tick only', () => {
    const { meter, sampler, at } = setup();
    at(1000);
    expect(meter.idle()).toBe(true);
    sampler.skip();
    for (let i = 0; i < 10; i++) meter.record(1);
    expect(meter.idle()).toBe(false);
    at(1500);
    expect(sampler.sample().messagesPerSecond).toBe(20);
    expect(meter.idle()).toBe(true);
  });
});
