import { MissingPeerError } from '../../src/model/MissingPeerError';
import { loadIoredis } from '../../src/streams/loadIoredis';

describe('loadIoredis', () => {
  it('should load the installed ioredis client class', () => {
    const Redis = loadIoredis();
    expect(typeof Redis).toBe('function');
    expect(Redis.name).toBe('Redis');
  });

  it('should accept the class as a named export, a default export or the module itself', () => {
    class Redis {}
    expect(loadIoredis(() => ({ Redis }))).toBe(Redis);
    expect(loadIoredis(() => ({ default: Redis }))).toBe(Redis);
    expect(loadIoredis(() => Redis)).toBe(Redis);
  });

  it('should throw MissingPeerError with the install command when ioredis is missing', () => {
    const load = (): never => {
      throw new Error("Cannot find module 'ioredis'\nRequire stack:\n- /app/dist/streams/loadIoredis.js");
    };
    expect(() => loadIoredis(load)).toThrow(MissingPeerError);
    expect(() => loadIoredis(load)).toThrow(
      "redisBudget needs the optional peer dependency ioredis (^5.3 || ^6): npm install ioredis (Cannot find module 'ioredis')",
    );
  });

  it('should throw MissingPeerError when the module has no client class', () => {
    expect(() => loadIoredis(() => ({}))).toThrow(/ioredis exports no Redis class/);
  });
});
