import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { Agent as HttpAgent, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import type { AddressRule } from './address-rule';

/** A connection the address rule refused: its reason is what the delivery log says. */
export class AddressRefused extends Error {
  constructor(readonly reason: string) {
    super(`refused: ${reason}`);
  }
}

/** How names are resolved: `dns.lookup`, as `net.connect` does (tests put a resolver of their own). */
export type Resolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for `net.connect` that resolves as usual, then refuses the connection when any
 * address the name resolves to breaks the rule: the address checked is the one connected to,
 * so DNS rebinding (a name that answers public once and 169.254.169.254 next) gains nothing.
 */
export function guardedLookup(rule: AddressRule, resolve: Resolver = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const refusal = rule.refusal(address, hostname);
        if (refusal) return callback(new AddressRefused(refusal), []);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** HTTP and HTTPS agents of their own for webhooks (no socket shared with other clients), each resolving through the rule. */
export function guardedAgents(rule: AddressRule): { 'http:': HttpAgent; 'https:': HttpsAgent } {
  const lookup = guardedLookup(rule);
  return { 'http:': new HttpAgent({ keepAlive: false, lookup }), 'https:': new HttpsAgent({ keepAlive: false, lookup }) };
}

/**
 * A second check, whatever opened the socket: the peer's address when the connection opens. The
 * sender checks a literal address (which skips `lookup`) before it connects, so this only
 * matters if a path past both ever appears; it then ends the attempt as refused.
 */
export function checkPeer(request: ClientRequest, rule: AddressRule): void {
  request.once('socket', (socket: Socket) => {
    const check = () => {
      const refusal = socket.remoteAddress ? rule.refusal(socket.remoteAddress) : 'the peer has no address';
      if (refusal) request.destroy(new AddressRefused(refusal));
    };
    if (socket.connecting) socket.once('connect', check);
    else check();
  });
}
