import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateToken } from './auth/api-keys';

/**
 * The embedded mode's bootstrap admin token when METERING_ADMIN_TOKEN is unset: generated once,
 * kept (owner-readable only) in the data directory, and shown once, on the start that made it.
 */
export function embeddedAdminToken(dataDir: string): { token: string; generated: boolean; path: string } {
  const path = join(dataDir, 'admin-token');
  if (existsSync(path)) return { token: readFileSync(path, 'utf8').trim(), generated: false, path };
  mkdirSync(dataDir, { recursive: true });
  const token = generateToken();
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, generated: true, path };
}
