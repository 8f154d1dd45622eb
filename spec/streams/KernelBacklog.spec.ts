import { KernelBacklog } from '../../src/streams/KernelBacklog';
import { TransportConnection } from '../../src/streams/Transport';

/**
 * A socket whose kernel drains `ratePerMs` bytes a millisecond (Infinity: at once), and a writer that
 * writes `chunk` bytes whenever the backlog lets it, for `ms` milliseconds of simulated time.
 */
function simulate(ratePerMs: number, ms: number, chunk = 16_384, highWaterMark = 16_384) {
  let now = 0;
  let written = 0;
  let readings = 0;
  let maxKernel = 0;
  const kernel = (): number => (Number.isFinite(ratePerMs) ? Math.max(0, written - ratePerMs * now) : 0);
  const connection = {
    unacknowledgedBytes: () => {
      readings++;
      maxKernel = Math.max(maxKernel, kernel());
      return kernel();
    },
  } as unknown as TransportConnection;
  const backlog = new KernelBacklog(connection);
  let heldMs = 0;
  while (now < ms) {
    const wait = backlog.waitMs(now, highWaterMark);
    if (wait > 0) {
      heldMs += wait;
      now += wait;
      continue;
    }
    backlog.wrote(chunk);
    written += chunk;
    // Writing takes time too: a chunk every 0.1 ms (160 MB/s) at most.
    now += 0.1;
  }
  return { bytesPerMs: written / ms, heldMs, readings, maxKernel };
}

describe('KernelBacklog', () => {
  it('should let a fast link run at the writer’s pace after a short probe, reading the kernel rarely', () => {
    const { bytesPerMs, heldMs, readings } = simulate(Infinity, 1000);
    // 160 MB/s offered; the holds (each checked against the kernel within 20 ms) are the probe's.
    expect(bytesPerMs).toBeGreaterThan(0.9 * 163_840);
    expect(heldMs).toBeLessThan(100);
    expect(readings).toBeLessThan(30);
  });

  it('should hold a slow link to what it drains, so the kernel never holds much more than the mark', () => {
    // 250 bytes a millisecond: 2 Mbit/s.
    const { bytesPerMs, maxKernel } = simulate(250, 5000);
    expect(bytesPerMs).toBeLessThan(1.2 * 250);
    expect(bytesPerMs).toBeGreaterThan(0.5 * 250);
    // The mark, a chunk written on the estimate, and what the estimate's error lets through.
    expect(maxKernel).toBeLessThan(4 * 16_384);
  });

  it('should hold nothing back for a socket whose kernel cannot be read', () => {
    const backlog = new KernelBacklog({} as TransportConnection);
    backlog.wrote(1_000_000);
    expect(backlog.waitMs(0, 16_384)).toBe(0);
  });
});
