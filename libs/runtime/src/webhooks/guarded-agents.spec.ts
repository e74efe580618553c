import type { LookupAddress } from 'node:dns';
import { AddressRule } from './address-rule';
import { AddressRefused, guardedLookup, type Resolver } from './guarded-agents';

const strict = new AddressRule({ allowLoopback: false, allowedNetworks: [] });

/** A resolver answering from a table, each name with a list of answers in turn (DNS rebinding). */
function resolver(table: Record<string, string[][]>): Resolver {
  const asked: Record<string, number> = {};
  return (hostname, _options, callback) => {
    const answers = table[hostname];
    const turn = Math.min((asked[hostname] = (asked[hostname] ?? -1) + 1), answers.length - 1);
    callback(
      null,
      answers[turn].map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

/** What `net.connect` would get from the guarded lookup of `hostname`. */
function lookUp(lookup: ReturnType<typeof guardedLookup>, hostname: string, all = true) {
  return new Promise<{ error: Error | null; address: unknown }>((resolve) =>
    lookup(hostname, { all }, (error, address) => resolve({ error, address })),
  );
}

describe('the guarded lookup, on the addresses a name resolves to when connecting', () => {
  it('refuses a name that resolves to a metadata or link-local address', async () => {
    const lookup = guardedLookup(strict, resolver({ 'a9fea9fe.nip.io': [['169.254.169.254']], 'x.example': [['fe80::1']] }));
    const metadata = await lookUp(lookup, 'a9fea9fe.nip.io');
    expect(metadata.error).toBeInstanceOf(AddressRefused);
    expect(metadata.error?.message).toBe('refused: address 169.254.169.254 of a9fea9fe.nip.io is a cloud metadata address');
    expect((await lookUp(lookup, 'x.example')).error?.message).toMatch(/address fe80::1 of x.example is link-local/);
  });

  it('refuses a name when any of its addresses is refused, not only the first', async () => {
    const lookup = guardedLookup(strict, resolver({ 'mixed.example': [['93.184.216.34', '::ffff:10.0.0.1']] }));
    expect((await lookUp(lookup, 'mixed.example')).error?.message).toMatch(/::ffff:10\.0\.0\.1 of mixed.example is private/);
  });

  it('holds a rebinding name to the rule on every connection', async () => {
    const lookup = guardedLookup(strict, resolver({ 'rebind.example': [['93.184.216.34'], ['127.0.0.1']] }));
    expect(await lookUp(lookup, 'rebind.example')).toEqual({ error: null, address: [{ address: '93.184.216.34', family: 4 }] });
    expect((await lookUp(lookup, 'rebind.example')).error?.message).toMatch(/127\.0\.0\.1 of rebind.example is loopback/);
  });

  it('answers net.connect in the shape it asked for', async () => {
    const lookup = guardedLookup(strict, resolver({ 'public.example': [['2606:4700::1111', '1.1.1.1']] }));
    expect(await lookUp(lookup, 'public.example', false)).toEqual({ error: null, address: '2606:4700::1111' });
  });

  it('resolves with the system resolver by default: localhost is loopback', async () => {
    expect((await lookUp(guardedLookup(strict), 'localhost')).error?.message).toMatch(
      /address (127\.0\.0\.1|::1) of localhost is loopback/,
    );
    const development = guardedLookup(new AddressRule({ allowLoopback: true, allowedNetworks: [] }));
    expect((await lookUp(development, 'localhost')).error).toBeNull();
  });
});
