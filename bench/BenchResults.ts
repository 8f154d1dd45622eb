import { HotFunction } from './cpuProfileSummary';
import { DetectionResult } from './detectionProbe';
import { MemoryResult } from './memoryProbe';
import { OutboundResult } from './outboundClient';
import { OutboundSide, RequestSide } from './outboundSuite';
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
    /** Issue 12's target (≥ 0.97 × raw ws) and issue 10's floor (≥ 0.95 ×), on the rate ratio. */
    readonly target: {
      readonly lifelineToWs: number;
      readonly met: boolean;
      readonly floor: number;
      readonly floorMet: boolean;
    };
  };
  outbound?: {
    /** Timed orders per run, written as fast as possible. */
    readonly orders: number;
    readonly warmup: number;
    /** Orders written 1 ms apart after the burst. */
    readonly paced: number;
    /** Request/reply round trips per run (0: none). */
    readonly requests: number;
    readonly reps: number;
    /** One order's JSON length, bytes. */
    readonly orderBytes: number;
    /** In the order run: wire, (a), (c), wire, … */
    readonly runs: readonly OutboundResult[];
    readonly wire: OutboundSide;
    readonly ws: OutboundSide;
    readonly lifeline: OutboundSide;
    /** lifeline ÷ ws, the median of each repetition's ratio. */
    readonly ratio: {
      readonly cpu: number;
      readonly rate: number;
      readonly p50: number;
      readonly p99: number;
      readonly pacedP50: number;
      readonly pacedP99: number;
    };
    readonly request?: {
      readonly ws: RequestSide;
      readonly lifeline: RequestSide;
      /** lifeline ÷ ws. */
      readonly cpuRatio: number;
      readonly rateRatio: number;
    };
    /** Issue 12: lifeline's CPU per send at most `cpuRatio` × raw ws's. */
    readonly target: { readonly cpuRatio: number; readonly met: boolean };
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
    /** Server ports the connections were spread over. */
    readonly listeners: number;
    readonly runs: readonly ScaleResult[];
    readonly points: ReadonlyArray<{
      readonly connections: number;
      readonly lifeline: ScaleSide;
      readonly ws: ScaleSide;
      /** lifeline ÷ ws. */
      readonly cpuRatio: number;
      readonly heapRatio: number;
      readonly rssRatio: number;
    }>;
    /** Issue 12's targets at `connections`; `measured` false when that size was not run. */
    readonly target: {
      readonly connections: number;
      readonly heapPerConnection: number;
      readonly cpuRatio: number;
      readonly measured: boolean;
      readonly heapMet: boolean;
      readonly cpuMet: boolean;
    };
  };
  /** Per profiled run (`outbound-lifeline`, …): hottest functions by self time; lifeline's own by total time. */
  profile?: Record<string, { readonly bySelf: readonly HotFunction[]; readonly lifeline: readonly HotFunction[] }>;
}

/** One side of a scale point, medians over its repetitions. */
export interface ScaleSide {
  readonly cpuPerWallSecond: number;
  /** Bytes. */
  readonly heapPerConnection: number;
  /** Bytes, with every connection open. */
  readonly rss: number;
  readonly rssPerConnection: number;
  readonly openSeconds: number;
  /** Heartbeat round trips per connection per second: the work done, 1 for a 1 s heartbeat. */
  readonly pongsPerConnectionSecond: number;
}
