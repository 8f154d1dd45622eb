import { runFlappingCase } from '../support/flappingCase';
import { ReliabilityCase } from '../support/reliabilityCase';

// Case 9 in full: the server accepts, then drops every connection 100 ms later, for 10 s. See
// support/flappingCase.ts for what is measured and how.

describe('reliability 9 (slow): flapping for 10 s', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('should keep backing off across short sessions, with timers, sockets, subscribers, listeners and heap flat', async () => {
    c = new ReliabilityCase('09b-flapping-10s', '9 flapping 10 s (slow)');
    await runFlappingCase(c, 10_000);
  }, 30_000);
});
