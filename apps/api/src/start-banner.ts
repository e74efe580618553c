import type { AddressInfo } from 'node:net';
import { relative } from 'node:path';

/** The embedded admin token, when Tally keeps it in the data directory. */
export interface EmbeddedAdmin {
  token: string;
  path: string;
  /** True on the start that generated it: the one time it is shown. */
  generated: boolean;
}

const shortPath = (path: string) => {
  const near = relative(process.cwd(), path);
  return near.startsWith('..') ? path : near;
};

/**
 * Where the server actually listens, as a URL to open and as words: an unspecified address
 * (0.0.0.0, ::) is every interface of the machine, reached here as localhost.
 */
export function listeningAt(address: AddressInfo): { url: string; where: string } {
  const everywhere = address.address === '0.0.0.0' || address.address === '::';
  const host = everywhere ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    where: everywhere ? `every interface (${address.address}), port ${address.port}: ${url} from this machine` : url,
  };
}

/**
 * What a person starting Tally on a terminal reads last: where it listens, the docs, and the
 * admin token, together, after every log line. Plain text on purpose: the one time a secret is
 * shown, and never through the logs.
 */
export function startBanner(at: { url: string; where: string }, admin: EmbeddedAdmin | null): string {
  const lines = ['', `Tally listening on ${at.where}`, `  API docs     ${at.url}/docs`];
  if (admin?.generated) {
    lines.push(
      `  admin token  ${admin.token}`,
      `               (generated now and shown once; kept in ${shortPath(admin.path)})`,
    );
  } else if (admin) {
    lines.push(`  admin token  in ${shortPath(admin.path)}`);
  }
  return `${lines.join('\n')}\n\n`;
}

/** The same for a process whose stdout is JSON lines: only the generated token, on stderr. */
export function generatedTokenNotice(admin: EmbeddedAdmin | null): string {
  if (!admin?.generated) return '';
  return `Generated admin token (shown once, kept in ${shortPath(admin.path)}):\n  ${admin.token}\n`;
}
