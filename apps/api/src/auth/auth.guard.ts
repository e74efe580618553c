import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Problem } from '../http/problem';
import { ApiKeys, type ApiKey } from './api-keys';
import { PUBLIC_KEY, ROLES_KEY, type Access } from './roles.decorator';

/** The authenticated key, attached to the request. */
export type AuthenticatedRequest = Request & { apiKey?: ApiKey };

/** Bearer-token authentication and role check: 401 without a valid token, 403 for a role that may not. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeys,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new Problem(401, 'UNAUTHENTICATED', 'Unauthenticated', 'send Authorization: Bearer <token>');
    const key = await this.keys.authenticate(match[1]);
    if (!key) throw new Problem(401, 'UNAUTHENTICATED', 'Unauthenticated', 'the token is not valid');
    request.apiKey = key;
    const allowed = this.reflector.getAllAndOverride<Access[]>(ROLES_KEY, targets) ?? [];
    if (key.role === 'admin' || allowed.includes('any') || allowed.includes(key.role)) return true;
    throw new Problem(403, 'FORBIDDEN', 'Forbidden', `the ${key.role} role may not call this route`);
  }
}
