import { ReliabilityCase } from './support/reliabilityCase';
import { runSoak } from './support/soak';

// Nothing lost, fast: 15 s of the soak (the 5-minute run is in spec/reliability/slow). See
// support/soak.ts for the faults and what is asserted.

describe('reliability soak: 15 s of seeded random faults', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('should account for every message: delivered exactly once and in order, rejected with a reason, or cut off in flight with a dying socket', async () => {
    c = new ReliabilityCase('13c-soak-fast', 'nothing lost: soak 15 s, seeded random faults (fast)');
    await runSoak(c, 15_000, 7);
  }, 60_000);
});
