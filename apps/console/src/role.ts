import { ApiError, call, type Role } from './api';
import { currentMonth } from './format';

/**
 * The role of a key, learnt from how the API answers it (docs/contract.md §5.2 lists no "who am I" route):
 * every key may list meters (401 = no such key), producers may not read billing, and only
 * admins may list API keys.
 */
export async function detectRole(token: string): Promise<Role> {
  await call('GET', '/v1/meters', undefined, 'application/json', token);
  // One account's lines (any name will do): the answer is not used, so keep it small.
  if (await forbidden(`/v1/billing?month=${currentMonth()}&account=console-role-probe`, token)) return 'producer';
  return (await forbidden('/v1/api-keys', token)) ? 'finance' : 'admin';
}

async function forbidden(path: string, token: string): Promise<boolean> {
  try {
    await call('GET', path, undefined, 'application/json', token);
    return false;
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return true;
    throw error;
  }
}
