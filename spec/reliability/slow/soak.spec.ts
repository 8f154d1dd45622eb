import { ReliabilityCase } from '../support/reliabilityCase';
import { runSoak } from '../support/soak';

// Nothing lost, in full: 5 minutes of seeded random faults while a sender keeps sending numbered
// messages. See support/soak.ts for the faults and what is asserted.

describe('reliability soak (slow): 5 minutes of seeded random faults', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('should account for every message: delivered exactly once and in order, rejected with a reason, or cut off in flight with a dying socket', async () => {
    c = new ReliabilityCase('13d-soak-5min', 'nothing lost: soak 5 min, seeded random faults (slow)');
    await runSoak(c, 300_000, 20_240_601);
  }, 420_000);
});
