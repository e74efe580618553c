import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../http/problem';
import type { ApiKey } from './api-keys';
import { Authenticator, type KeyedRequest } from './authenticator';
import { PUBLIC_KEY, ROLES_KEY, type Access } from './roles.decorator';

/** The authenticated key, attached to the request. */
export type AuthenticatedRequest = FastifyRequest & { apiKey?: ApiKey };

/** What a route's decorators say about its access: public, or the roles it allows. */
interface RouteAccess {
  controller: unknown;
  isPublic: boolean;
  allowed: Access[];
}

/** Bearer-token authentication (Authenticator: 401, 429) and role check: 403 for a role that may not. */
@Injectable()
export class AuthGuard implements CanActivate {
  /**
   * Each route's access, read from its decorators once: metadata does not change after the
   * application is built, and reading it walked the controller's prototype chain on every request.
   */
  private readonly access = new WeakMap<object, RouteAccess>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const access = this.accessOf(context.getHandler(), context.getClass());
    if (access.isPublic) return true;
    const http = context.switchToHttp();
    // Requests with a body were authenticated before it was read (http-hooks.ts); the key is kept
    // on the Node request, where the request log finds it too, and is taken from there without a promise.
    const request = http.getRequest<AuthenticatedRequest>();
    const known = (request.raw as KeyedRequest).apiKey;
    if (known) return this.allow(request, known, access);
    return this.authenticator
      .authenticate(request.raw, http.getResponse<FastifyReply>().raw)
      .then((key) => this.allow(request, key, access));
  }

  private accessOf(
    handler: ReturnType<ExecutionContext['getHandler']>,
    controller: ReturnType<ExecutionContext['getClass']>,
  ): RouteAccess {
    const known = this.access.get(handler);
    if (known && known.controller === controller) return known;
    const targets = [handler, controller];
    const access: RouteAccess = {
      controller,
      isPublic: Boolean(this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)),
      allowed: this.reflector.getAllAndOverride<Access[]>(ROLES_KEY, targets) ?? [],
    };
    this.access.set(handler, access);
    return access;
  }

  /** Attaches the key to the request: true when its role may call the route, else a 403. */
  private allow(request: AuthenticatedRequest, key: ApiKey, { allowed }: RouteAccess): boolean {
    request.apiKey = key;
    if (key.role === 'admin' || allowed.includes('any') || allowed.includes(key.role)) return true;
    throw new Problem(403, 'FORBIDDEN', 'Forbidden', `the ${key.role} role may not call this route`);
  }
}
