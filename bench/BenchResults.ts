import { DetectionResult } from './detectionProbe';
import { MemoryResult } from './memoryProbe';
import { ScaleResult } from './scaleProbe';
import { ThroughputResult, ThroughputVariant } from './throughputClient';

/** Everything one `npm run bench` measured, as written to bench/results.json. */
export interface BenchResults {
  readonly machine: {
    readonly cpuModel: string;
    readonly cores: number;
    readonly totalMemoryGiB: number;
    readonly platform: string;
    readonly arch: string;
    readonly node: string;
    readonly v8: string;
    /** 1-minute load average at the start and the end: other work on the machine skews every figure. */
    readonly loadAverage: { readonly start: number; readonly end: number };
    readonly date: string;
  };
  /** How to run this exact configuration again. */
  readonly command: string;
  readonly seconds: number;
  throughput?: {
    readonly messages: number;
    readonly warmup: number;
    readonly reps: number;
    readonly payloadBytes: number;
    /** In the order run: wire, (a), (b), (c), wire, (a), … */
    readonly runs: readonly ThroughputResult[];
    readonly median: Record<ThroughputVariant, { messagesPerSecond: number; cpuMicrosPerMessage: number }>;
    /** Median over repetitions of each repetition's rate ratio. */
    readonly ratio: { readonly rxjsWebsocketsToWs: number; readonly lifelineToWs: number };
    /** The same by client CPU per message ((a)'s CPU / (x)'s CPU): less sensitive to a busy machine. */
    readonly cpuRatio: { readonly rxjsWebsocketsToWs: number; readonly lifelineToWs: number };
    readonly target: { readonly lifelineToWs: number; readonly met: boolean };
  };
  memory?: {
    readonly reps: number;
    readonly runs: readonly MemoryResult[];
    /** Median heap growth, bytes. */
    readonly growth: {
      readonly messages: { readonly count: number; readonly lifeline: number; readonly ws: number };
      readonly reconnects: { readonly count: number; readonly lifeline: number; readonly ws: number };
    };
    readonly target: { readonly bytes: number; readonly met: boolean };
  };
  detection?: {
    readonly heartbeatInterval: number;
    readonly heartbeatTimeout: number;
    readonly initialDelay: number;
    readonly maxDelay: number;
    readonly samples: DetectionResult;
    readonly halfOpen: {
      readonly medianMs: number;
      readonly maxMs: number;
      readonly targetMs: number;
      readonly met: boolean;
    };
    readonly restart: {
      readonly medianMs: number;
      readonly maxMs: number;
      readonly targetMs: number;
      readonly met: boolean;
    };
  };
  scale?: {
    readonly durationSeconds: number;
    readonly heartbeatInterval: number;
    readonly reps: number;
    readonly runs: readonly ScaleResult[];
    readonly points: ReadonlyArray<{
      readonly connections: number;
      readonly lifeline: { readonly cpuPerWallSecond: number; readonly heapPerConnection: number };
      readonly ws: { readonly cpuPerWallSecond: number; readonly heapPerConnection: number };
      /** lifeline ÷ ws. */
      readonly cpuRatio: number;
      readonly heapRatio: number;
    }>;
  };
  profile?: Record<string, ReadonlyArray<{ readonly name: string; readonly where: string; readonly self: number }>>;
}
