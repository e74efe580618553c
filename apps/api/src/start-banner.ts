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
 * What a person starting Tally on a terminal reads last: where it listens, the docs, and the
 * admin token, together, after every log line. Plain text on purpose: the one time a secret is
 * shown, and never through the logs.
 */
export function startBanner(url: string, admin: EmbeddedAdmin | null): string {
  const lines = ['', `Tally listening on ${url}`, `  API docs     ${url}/docs`];
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
