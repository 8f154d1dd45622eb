import { MissingPeerError } from '../../src/model/MissingPeerError';

describe('MissingPeerError', () => {
  it('should say what to install, with the first line of the cause', () => {
    const cause = new Error("Cannot find module 'prom-client'\nRequire stack:\n- /app/dist/sinks/loadPromClient.js");
    const error = new MissingPeerError('prom-client', 'metricsSink', '^15', cause);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MissingPeerError');
    expect(error.code).toBe('LIFELINE_MISSING_PEER');
    expect(error.message).toBe(
      "metricsSink needs the optional peer dependency prom-client (^15): npm install prom-client (Cannot find module 'prom-client')",
    );
    expect(error).toMatchObject({ peer: 'prom-client', feature: 'metricsSink', range: '^15', cause });
  });

  it('should take a cause that is not an Error', () => {
    expect(new MissingPeerError('x', 'y', '*', 'gone').message).toBe(
      'y needs the optional peer dependency x (*): npm install x (gone)',
    );
  });
});
