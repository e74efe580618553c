import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../http/problem';
import type { ApiKey } from './api-keys';
import { Authenticator } from './authenticator';
import { PUBLIC_KEY, ROLES_KEY, type Access } from './roles.decorator';

/** The authenticated key, attached to the request. */
export type AuthenticatedRequest = FastifyRequest & { apiKey?: ApiKey };

/** Bearer-token authentication (Authenticator: 401, 429) and role check: 403 for a role that may not. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const http = context.switchToHttp();
    // Requests with a body were authenticated before it was read (http-hooks.ts); the key is kept
    // on the Node request, where the request log finds it too.
    const request = http.getRequest<AuthenticatedRequest>();
    const key = await this.authenticator.authenticate(request.raw, http.getResponse<FastifyReply>().raw);
    request.apiKey = key;
    const allowed = this.reflector.getAllAndOverride<Access[]>(ROLES_KEY, targets) ?? [];
    if (key.role === 'admin' || allowed.includes('any') || allowed.includes(key.role)) return true;
    throw new Problem(403, 'FORBIDDEN', 'Forbidden', `the ${key.role} role may not call this route`);
  }
}
