import {
  ConnectionQuality,
  recordDisconnect,
  recordError,
  recordHeartbeat,
  recordHeartbeatOutcome,
  recordSuccess,
  startSession,
  updateLatency,
  updateThroughput,
  updateUptime,
} from './ConnectionQuality';
import { QualitySample } from './QualitySample';

/** The quality reducer: `samples$.pipe(scan(updateQuality, initialQuality))`. */
export function updateQuality(quality: ConnectionQuality, sample: QualitySample): ConnectionQuality {
  switch (sample.kind) {
    case 'heartbeat':
      return recordHeartbeat(quality, sample.rttMs);
    case 'lost':
      return recordHeartbeatOutcome(quality, true);
    case 'probe':
      return recordSuccess(updateLatency(quality, sample.latencyMs));
    case 'error':
      return recordError(quality);
    case 'throughput':
      return updateThroughput(quality, sample.messagesPerSecond);
    case 'uptime':
      return updateUptime(quality, sample.percentage);
    case 'disconnect':
      return recordDisconnect(quality);
    case 'sessionStart':
      return startSession(quality);
  }
}
