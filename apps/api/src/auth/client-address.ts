import { isIPv6 } from 'node:net';
import type { IncomingMessage } from 'node:http';

/** An address as one spelling: IPv4-mapped IPv6 (`::ffff:127.0.0.1`) as its IPv4 address. */
export function normalAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address.toLowerCase();
}

/**
 * The client a limit applies to: the peer's address, or, when the peer is a trusted proxy, the
 * last address in X-Forwarded-For that is not one (a client can prepend anything to the header,
 * but not what the proxies append). IPv6 clients count per /64, the block one host usually has.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  let address = normalAddress(req.socket.remoteAddress);
  if (trustedProxies.has(address)) {
    const forwarded = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
      .split(',')
      .map((h) => normalAddress(h.trim()));
    for (let i = hops.length - 1; i >= 0 && trustedProxies.has(address); i--) if (hops[i] !== 'unknown') address = hops[i];
  }
  return clientKey(address);
}

/** The key a client's limits are kept under: its IPv4 address, or its IPv6 /64. */
export function clientKey(address: string): string {
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}
