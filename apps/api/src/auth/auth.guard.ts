import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../http/problem';
import type { ApiKey } from './api-keys';
import { Authenticator, type KeyedRequest } from './authenticator';
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

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const http = context.switchToHttp();
    // Requests with a body were authenticated before it was read (http-hooks.ts); the key is kept
    // on the Node request, where the request log finds it too, and is taken from there without a promise.
    const request = http.getRequest<AuthenticatedRequest>();
    const known = (request.raw as KeyedRequest).apiKey;
    if (known) return this.allow(request, known, targets);
    return this.authenticator
      .authenticate(request.raw, http.getResponse<FastifyReply>().raw)
      .then((key) => this.allow(request, key, targets));
  }

  /** Attaches the key to the request: true when its role may call the route, else a 403. */
  private allow(request: AuthenticatedRequest, key: ApiKey, targets: Parameters<Reflector['getAllAndOverride']>[1]): boolean {
    request.apiKey = key;
    const allowed = this.reflector.getAllAndOverride<Access[]>(ROLES_KEY, targets) ?? [];
    if (key.role === 'admin' || allowed.includes('any') || allowed.includes(key.role)) return true;
    throw new Problem(403, 'FORBIDDEN', 'Forbidden', `the ${key.role} role may not call this route`);
  }
}
