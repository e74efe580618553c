import { BlockList, isIP } from 'node:net';

/**
 * What an address is, when it is not a public unicast address: the special-purpose ranges of
 * the IANA IPv4 and IPv6 registries (RFC 6890 and its updates), by the name a log says. Node's
 * `BlockList` does the matching, and matches an IPv4-mapped IPv6 address (`::ffff:a9fe:a9fe`)
 * against the IPv4 ranges, so every spelling of an address lands in the same category.
 */
export type AddressCategory =
  | 'a cloud metadata address'
  | 'loopback'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'private (RFC 1918)'
  | 'unique-local'
  | 'carrier-grade NAT'
  | 'reserved for special use';

type Range = [category: AddressCategory, cidr: string];

// Order matters: the first range that holds an address names it (a metadata address before
// the link-local or unique-local range around it, broadcast before 240.0.0.0/4).
const RANGES: Range[] = [
  // AWS (IPv4 and IPv6, ECS task metadata), GCP, Azure, DigitalOcean, OCI's old one, Alibaba.
  ['a cloud metadata address', '169.254.169.254/32'],
  ['a cloud metadata address', '169.254.170.2/32'],
  ['a cloud metadata address', 'fd00:ec2::254/128'],
  ['a cloud metadata address', '192.0.0.192/32'],
  ['a cloud metadata address', '100.100.100.200/32'],
  ['unspecified', '0.0.0.0/8'],
  ['unspecified', '::/128'],
  ['loopback', '127.0.0.0/8'],
  ['loopback', '::1/128'],
  ['link-local', '169.254.0.0/16'],
  ['link-local', 'fe80::/10'],
  ['broadcast', '255.255.255.255/32'],
  ['multicast', '224.0.0.0/4'],
  ['multicast', 'ff00::/8'],
  ['private (RFC 1918)', '10.0.0.0/8'],
  ['private (RFC 1918)', '172.16.0.0/12'],
  ['private (RFC 1918)', '192.168.0.0/16'],
  ['carrier-grade NAT', '100.64.0.0/10'],
  ['unique-local', 'fc00::/7'],
  // IETF protocol assignments, documentation, benchmarking, 6to4 relays, the old class E.
  ['reserved for special use', '192.0.0.0/24'],
  ['reserved for special use', '192.0.2.0/24'],
  ['reserved for special use', '192.88.99.0/24'],
  ['reserved for special use', '198.18.0.0/15'],
  ['reserved for special use', '198.51.100.0/24'],
  ['reserved for special use', '203.0.113.0/24'],
  ['reserved for special use', '240.0.0.0/4'],
  // IPv6 forms that carry an IPv4 address a gateway would reach for us (IPv4-compatible,
  // NAT64, 6to4, Teredo in 2001::/23), and the remaining special ranges.
  ['reserved for special use', '::/96'],
  ['reserved for special use', '64:ff9b::/96'],
  ['reserved for special use', '64:ff9b:1::/48'],
  ['reserved for special use', '100::/64'],
  ['reserved for special use', '2001::/23'],
  ['reserved for special use', '2001:db8::/32'],
  ['reserved for special use', '2002::/16'],
  ['reserved for special use', '3fff::/20'],
  ['reserved for special use', '5f00::/16'],
  ['reserved for special use', 'fec0::/10'],
];

/** Adds the network `a.b.c.d/n` or `x::y/n` (a bare address: /32 or /128) to `list`; false when `cidr` is none. */
export function addCidr(list: BlockList, cidr: string): boolean {
  const [address, bits, ...rest] = cidr.trim().split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  const max = family === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return false;
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return true;
}

const CATEGORIES: Array<[AddressCategory, BlockList]> = (() => {
  const lists = new Map<AddressCategory, BlockList>();
  const ordered: Array<[AddressCategory, BlockList]> = [];
  for (const [category, cidr] of RANGES) {
    let list = lists.get(category);
    if (!list) {
      list = new BlockList();
      lists.set(category, list);
      ordered.push([category, list]);
    }
    addCidr(list, cidr);
  }
  return ordered;
})();

/** The special-purpose category of an address literal, or null for a public unicast address. */
export function categoryOf(address: string): AddressCategory | null {
  const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
  for (const [category, list] of CATEGORIES) if (list.check(address, type)) return category;
  return null;
}
