import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiKey, ApiKeys } from './api-keys';
import { Authenticator, type KeyedRequest } from './authenticator';
import { FailureLimiter } from './failure-limiter';

const KEY: ApiKey = { id: 'k', name: 'k', role: 'producer', source: null };

/** A request from `address` with `token`, counting how often its peer address is read. */
function request(address: string, token: string): { req: KeyedRequest; addressReads: () => number } {
  let reads = 0;
  const socket = {
    get remoteAddress() {
      reads++;
      return address;
    },
  };
  const req = { headers: { authorization: `Bearer ${token}` }, socket } as unknown as IncomingMessage;
  return { req, addressReads: () => reads };
}

const response = () => ({ setHeader: jest.fn() }) as unknown as ServerResponse & { setHeader: jest.Mock };

describe('Authenticator', () => {
  const keys = { authenticate: async (token: string) => (token === 'good' ? KEY : null) } as unknown as ApiKeys;
  const counters = { failed: jest.fn(), limited: jest.fn() };
  const make = () => new Authenticator(keys, new FailureLimiter({ burst: 2, perMinute: 1 }), counters, [], () => 0);

  it('reads no client address while no client has failed, and limits a client once it has failed its burst', async () => {
    const auth = make();
    const ok = request('10.0.0.1', 'good');
    await expect(auth.authenticate(ok.req, response())).resolves.toEqual(KEY);
    expect(ok.addressReads()).toBe(0);

    for (let i = 0; i < 2; i++) {
      await expect(auth.authenticate(request('10.0.0.1', 'bad').req, response())).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
    }
    const limited = response();
    await expect(auth.authenticate(request('10.0.0.1', 'good').req, limited)).rejects.toMatchObject({
      code: 'TOO_MANY_FAILURES',
    });
    expect(limited.setHeader).toHaveBeenCalledWith('Retry-After', '60');
    await expect(auth.authenticate(request('::ffff:10.0.0.1', 'good').req, response())).rejects.toMatchObject({
      code: 'TOO_MANY_FAILURES',
    });
    await expect(auth.authenticate(request('10.0.0.2', 'good').req, response())).resolves.toEqual(KEY);
    expect(counters.failed).toHaveBeenCalledTimes(2);
    expect(counters.limited).toHaveBeenCalledTimes(2);
  });
});
