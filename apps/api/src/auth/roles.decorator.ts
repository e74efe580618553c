import { SetMetadata } from '@nestjs/common';
import type { Role } from './api-keys';

export const ROLES_KEY = 'tally:roles';
export const PUBLIC_KEY = 'tally:public';

/** Who may call a route besides admins; `any` admits every valid key. */
export type Access = Role | 'any';

/** Routes default to admin only; this names who else may call them. */
export const Allow = (...access: Access[]) => SetMetadata(ROLES_KEY, access);

/** Operations routes (health, metrics, docs) need no token. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
