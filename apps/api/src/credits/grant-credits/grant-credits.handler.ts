import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { creditsView, grantViewOf } from '@tally/domain';
import type { FieldError } from '@tally/messages';
import { AccountHandler } from '../../accounts/account-handler';
import { validationProblem } from '../../http/problem';
import { Clock } from '../../runtime/clock';
import { GrantCreditsCommand, type GrantAnswer, type GrantTerms } from './grant-credits.command';
import { RESERVED_GRANT_PREFIXES } from './grant-credits.dto';

const iso = (instant: string) => new Date(Date.parse(instant)).toISOString();

/** The field errors of terms each valid alone: an id of Tally's own, an expiry not after the start or now. */
function termErrors(terms: GrantTerms, now: string): FieldError[] {
  const errors: FieldError[] = [];
  if (terms.grantId !== null && RESERVED_GRANT_PREFIXES.some((p) => terms.grantId?.startsWith(p))) {
    errors.push({
      field: 'id',
      reason: `id must not start with ${RESERVED_GRANT_PREFIXES.join(', ')} (Tally names its own grants so)`,
    });
  }
  if (terms.expiresAt) {
    const effectiveAt = terms.effectiveAt ?? now;
    if (Date.parse(terms.expiresAt) <= Date.parse(effectiveAt))
      errors.push({ field: 'expiresAt', reason: 'expiresAt must be after effectiveAt' });
    else if (Date.parse(terms.expiresAt) <= Date.parse(now))
      errors.push({ field: 'expiresAt', reason: 'expiresAt must be in the future' });
  }
  return errors;
}

@CommandHandler(GrantCreditsCommand)
export class GrantCreditsHandler implements ICommandHandler<GrantCreditsCommand> {
  constructor(
    private readonly decisions: AccountHandler,
    private readonly clock: Clock,
  ) {}

  async execute({ account, terms }: GrantCreditsCommand): Promise<GrantAnswer> {
    const now = this.clock.now();
    const errors = termErrors(terms, now);
    if (errors.length) throw validationProblem(errors);
    // An id of its own, so the answer can name the grant (and a retry after a conflict keeps it).
    const grantId = terms.grantId ?? `g_${randomUUID()}`;
    const outcome = await this.decisions.execute({
      type: 'GrantCredits',
      account,
      amount: terms.amount,
      reason: terms.reason,
      grantId,
      ...(terms.priority !== undefined ? { priority: terms.priority } : {}),
      ...(terms.effectiveAt ? { effectiveAt: iso(terms.effectiveAt) } : {}),
      expiresAt: terms.expiresAt ? iso(terms.expiresAt) : null,
      now,
    });
    if (!outcome.ok) throw outcome.error;
    const grant = grantViewOf(outcome.state, grantId, now);
    if (!grant) throw new Error(`grant ${grantId} is missing after it was granted`);
    return { grant, balance: creditsView(outcome.state, now).balance };
  }
}
