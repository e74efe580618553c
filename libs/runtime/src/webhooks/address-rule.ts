import { BlockList, isIP } from 'node:net';
import { addCidr, categoryOf, type AddressCategory } from './address-ranges';

/** Where webhooks may go beyond public addresses: set by the operator, never by a request. */
export interface AddressRuleOptions {
  /** Loopback receivers (development, this repository's tests): WEBHOOK_ALLOW_LOOPBACK. */
  allowLoopback: boolean;
  /** CIDRs of internal receivers (private, unique-local, CGNAT…): WEBHOOK_ALLOWED_NETWORKS. */
  allowedNetworks: string[];
}

// No setting opens these: nothing that answers there should receive Tally's alerts.
const NEVER = new Set<AddressCategory>(['a cloud metadata address', 'link-local', 'unspecified', 'multicast', 'broadcast']);

// Names of metadata services, which resolve to a metadata address only inside their cloud (so
// DNS alone would not say so when the endpoint is registered elsewhere).
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
]);

/**
 * The one rule of where a webhook may connect, used when an endpoint is registered (on what
 * its URL says: an address literal or a known name) and on every delivery (on each address its
 * host resolves to, just before connecting). Public unicast addresses are allowed; loopback only
 * with `allowLoopback`; private, unique-local, CGNAT and reserved addresses only inside an
 * allowed network; link-local, metadata, unspecified, multicast and broadcast never.
 */
export class AddressRule {
  private readonly allowed = new BlockList();

  constructor(readonly options: AddressRuleOptions) {
    for (const cidr of options.allowedNetworks) {
      if (!addCidr(this.allowed, cidr)) throw new Error(`not a network: "${cidr}"`);
    }
  }

  /**
   * Why a connection to `address` (an IP literal, which `name` resolved to) is refused, or null
   * when it may go ahead.
   */
  refusal(address: string, name?: string): string | null {
    const family = isIP(address);
    if (!family) return `"${address}" is not an IP address`;
    const category = categoryOf(address);
    if (category === null) return null;
    const spelled = `address ${address}${mappedIPv4(address)}${name ? ` of ${name}` : ''}`;
    if (NEVER.has(category)) return `${spelled} is ${category}`;
    if (category === 'loopback') {
      return this.options.allowLoopback ? null : `${spelled} is loopback (set WEBHOOK_ALLOW_LOOPBACK=true to allow it)`;
    }
    if (this.allowed.check(address, family === 4 ? 'ipv4' : 'ipv6')) return null;
    return `${spelled} is ${category} (outside WEBHOOK_ALLOWED_NETWORKS)`;
  }

  /**
   * Why a URL's host is refused as written: an address literal by {@link refusal} (the URL
   * parser has already turned decimal, octal, hex and short IPv4 forms into dotted quads), a
   * metadata service's name, or `localhost` while loopback is not allowed. Any other name is
   * decided when it is resolved, on every delivery.
   */
  hostRefusal(hostname: string): string | null {
    const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    if (isIP(host)) return this.refusal(host);
    const name = host.toLowerCase().replace(/\.+$/, '');
    if (METADATA_NAMES.has(name)) return `host ${name} is a cloud metadata service`;
    if ((name === 'localhost' || name.endsWith('.localhost')) && !this.options.allowLoopback) {
      return `host ${name} is loopback (set WEBHOOK_ALLOW_LOOPBACK=true to allow it)`;
    }
    return null;
  }
}

// `::ffff:a9fe:a9fe` is 169.254.169.254 in IPv6 clothing: say which IPv4 address it carries.
function mappedIPv4(address: string): string {
  const match = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!match) return '';
  const [high, low] = [parseInt(match[1], 16), parseInt(match[2], 16)];
  return ` (${high >> 8}.${high & 255}.${low >> 8}.${low & 255})`;
}
