import { Problem } from '../http/problem';

/** 404 for an id that is not an active endpoint (the id is not echoed). */
export function webhookNotFound(): Problem {
  return new Problem(404, 'WEBHOOK_NOT_FOUND', 'Webhook not found', 'no active webhook endpoint has this id');
}
