import { ANCHORED_PERIODS, periodOf, type AccountEvent, type QuotaTerms } from '@tally/events';
import { decisionFor, evolve, type Account } from './account-state';
import type { AccountCommand, ChangeQuota, ReverseUsage, SetCreditAlert, SetQuota } from './commands';
import { attributeCredits, grantCredits, removeAllowance, setAllowance, settleCredits, voidGrant } from './credit-decider';
import { DomainError, unreachable } from './errors';
import { commitHold, releaseHold } from './holds';
import { holdUsage, decideUsage } from './decide-usage';
import { withinWindow } from './time';
import { levelView, periodsOnly } from './tree';

/**
 * Decides a command against the account's state; returns the events to append (maybe none). What
 * time has done to the wallet by `command.now` (expiries, an allowance's new period) is recorded
 * first, and the command's credit movements name the grants they touch.
 */
export function decide(command: AccountCommand, state: Account): AccountEvent[] {
  if (state.next !== null) {
    throw new DomainError('BOOKS_CLOSED', `period ${state.period} is closed; decide on ${state.next}`);
  }
  const member = state.account !== null && command.account !== state.account;
  if (member && !state.members.has(command.account)) {
    throw new DomainError('NOT_A_MEMBER', `account ${command.account} is not in the tree of ${state.account}`);
  }
  if (!member && state.tree !== null) {
    throw new DomainError('MOVED', `account ${command.account} is decided in the tree of ${state.tree}`);
  }
  // The wallet (grants, allowance, credit alert) of a tree is its root's.
  if (member && PAYER_ONLY.has(command.type)) {
    throw new DomainError(
      'NOT_A_PAYER',
      `account ${command.account} is in the tree of ${state.account}, which holds its credits`,
    );
  }
  const settled = state.account === null ? [] : settleCredits(state, command.now);
  const current = settled.reduce(evolve, state);
  const decided = attributeCredits(decideCommand(command, current), current, command.now);
  return settled.length === 0 ? decided : [...settled, ...decided];
}

const PAYER_ONLY: ReadonlySet<AccountCommand['type']> = new Set([
  'GrantCredits',
  'SetCreditAlert',
  'VoidGrant',
  'SetAllowance',
  'RemoveAllowance',
]);

function decideCommand(command: AccountCommand, state: Account): AccountEvent[] {
  switch (command.type) {
    case 'DecideUsage':
      return decideUsage(command, state);
    case 'SetQuota':
      return setQuota(command);
    case 'ChangeQuota':
      return changeQuota(command, state);
    case 'GrantCredits':
      return grantCredits(command, state);
    case 'ReverseUsage':
      return reverseUsage(command, state);
    case 'HoldUsage':
      return holdUsage(command, state);
    case 'CommitHold':
      return commitHold(command, state);
    case 'ReleaseHold':
      return releaseHold(command, state);
    case 'SetCreditAlert':
      return setCreditAlert(command);
    case 'VoidGrant':
      return voidGrant(command, state);
    case 'SetAllowance':
      return setAllowance(command, state);
    case 'RemoveAllowance':
      return removeAllowance(command, state);
    default:
      return unreachable(command);
  }
}

function setQuota({ account, meter, quota, now }: SetQuota): AccountEvent[] {
  return [{ type: 'QuotaSet', data: { account, meter, quota: anchoredWhereAllowed(quota), at: now } }];
}

/** An anchor shifts months and years only: with a day, a week or no period it is refused, never silently dropped. */
function anchoredWhereAllowed(quota: QuotaTerms): QuotaTerms {
  if (quota.anchor === null) return quota;
  if (!ANCHORED_PERIODS.includes(quota.period)) {
    throw new DomainError('ANCHOR_NOT_ALLOWED', `a ${quota.period} period takes no anchor (send anchor: null)`, 'anchor');
  }
  return { ...quota, anchor: new Date(quota.anchor).toISOString() };
}

function setCreditAlert({ account, creditsBelow, now }: SetCreditAlert): AccountEvent[] {
  return [{ type: 'CreditAlertSet', data: { account, creditsBelow, at: now } }];
}

function changeQuota({ account, meter, patch, now }: ChangeQuota, state: Account): AccountEvent[] {
  const existing = levelView(state, account).quotas.get(meter);
  if (!existing) throw new DomainError('QUOTA_NOT_FOUND', `account ${account} has no quota for meter ${meter}`);
  return [{ type: 'QuotaSet', data: { account, meter, quota: anchoredWhereAllowed({ ...existing, ...patch }), at: now } }];
}

function reverseUsage({ account, source, id, reason, now }: ReverseUsage, state: Account): AccountEvent[] {
  const record = decisionFor(state, source, id);
  if (!record || record.event.data.account !== account || !withinWindow(record.event.data.decidedAt, now)) {
    throw new DomainError('USAGE_NOT_FOUND', `no usage ${source}/${id} was decided for ${account} in the last 35 days`);
  }
  if (record.event.type === 'UsageRejected') {
    throw new DomainError('USAGE_NOT_ACCEPTED', `usage ${source}/${id} was rejected; there is nothing to reverse`);
  }
  if (record.reversal) return [];
  const { subject, meter, quantity, month, period, creditsCharged, payer, levels, items } = record.event.data;
  // Every line of a multi-item usage returns to its meter and its period (at every level of a tree),
  // with the credits it was charged.
  const lines = items
    ? {
        items: items.map((l) => ({
          meter: l.meter,
          quantity: l.quantity,
          creditsRefunded: l.credits,
          ...periodOf(l),
          ...periodsOnly(l.levels),
        })),
      }
    : {};
  return [
    {
      type: 'UsageReversed',
      data: {
        ...{ account, source, id, subject, meter, quantity, month },
        ...periodOf({ period }),
        ...{ creditsRefunded: creditsCharged, reason, at: now },
        ...(payer ? { payer } : {}),
        // The levels above a member give back the units in the periods they counted them in; tokens taken stay taken.
        ...periodsOnly(levels),
        ...lines,
      },
    },
  ];
}
