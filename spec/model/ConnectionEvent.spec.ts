import { ConnectionEvent, ConnectionEventType } from '../../src/index';
import {
  ageSeconds,
  createEvent,
  isRecent,
  withError,
  withLatency,
  withRetryCount,
} from '../../src/model/ConnectionEvent';

describe('ConnectionEvent', () => {
  describe('createEvent', () => {
    it('should carry the type, its severity, the timestamp, the description and retryCount 0', () => {
      const event = createEvent(ConnectionEventType.HeartbeatTimeout, 1_000, 'no pong');
      expect(event).toEqual({
        type: 'HeartbeatTimeout',
        severity: 3,
        timestamp: 1_000,
        description: 'no pong',
        retryCount: 0,
      });
    });

    it('should leave errorMessage, latencyMs and predicted unset unless given', () => {
      const event = createEvent(ConnectionEventType.Connected, 0, 'connected');
      expect(event).not.toHaveProperty('errorMessage');
      expect(event).not.toHaveProperty('latencyMs');
      expect(event).not.toHaveProperty('predicted');
    });

    it('should take the details it is given', () => {
      const event = createEvent(ConnectionEventType.QualityDegraded, 5, 'worse', {
        errorMessage: 'slow',
        latencyMs: 1200,
        retryCount: 3,
        predicted: true,
      });
      expect(event).toMatchObject({ errorMessage: 'slow', latencyMs: 1200, retryCount: 3, predicted: true });
      expect(event.severity).toBe(2);
    });
  });

  describe('helpers', () => {
    const original: ConnectionEvent = Object.freeze(createEvent(ConnectionEventType.ReconnectFailed, 10, 'failed'));
    const snapshot = { ...original };

    afterEach(() => {
      expect(original).toEqual(snapshot);
    });

    it('should return a new event with the error message attached by withError', () => {
      const event = withError(original, 'ECONNREFUSED');
      expect(event).not.toBe(original);
      expect(event).toEqual({ ...snapshot, errorMessage: 'ECONNREFUSED' });
    });

    it('should return a new event with the latency attached by withLatency', () => {
      const event = withLatency(original, 42);
      expect(event).not.toBe(original);
      expect(event).toEqual({ ...snapshot, latencyMs: 42 });
    });

    it('should return a new event tagged with the attempt by withRetryCount', () => {
      const event = withRetryCount(original, 4);
      expect(event).not.toBe(original);
      expect(event).toEqual({ ...snapshot, retryCount: 4 });
    });

    it('should compose without losing earlier details', () => {
      const event = withRetryCount(withLatency(withError(original, 'boom'), 7), 2);
      expect(event).toEqual({ ...snapshot, errorMessage: 'boom', latencyMs: 7, retryCount: 2 });
    });
  });

  describe('ageSeconds', () => {
    const event = createEvent(ConnectionEventType.Connected, 100_000, 'connected');

    it('should count whole seconds elapsed, rounding down', () => {
      expect(ageSeconds(event, 100_000)).toBe(0);
      expect(ageSeconds(event, 100_999)).toBe(0);
      expect(ageSeconds(event, 101_000)).toBe(1);
      expect(ageSeconds(event, 165_500)).toBe(65);
    });

    it('should never be negative for an event stamped after now', () => {
      expect(ageSeconds(event, 90_000)).toBe(0);
    });
  });

  describe('isRecent', () => {
    const event = createEvent(ConnectionEventType.Connected, 1_000_000, 'connected');

    it('should be recent within five minutes by default, the boundary included', () => {
      expect(isRecent(event, 1_000_000)).toBe(true);
      expect(isRecent(event, 1_000_000 + 300_000)).toBe(true);
      expect(isRecent(event, 1_000_000 + 300_001)).toBe(false);
    });

    it('should honour a custom window', () => {
      expect(isRecent(event, 1_010_000, 10_000)).toBe(true);
      expect(isRecent(event, 1_010_001, 10_000)).toBe(false);
    });
  });
});
