import { Inject, Injectable } from '@nestjs/common';
import {
  creditsView,
  grantViews,
  type GrantView,
  currentPeriodKey,
  foldAsOf,
  heldCredits,
  meterEventsAsOf,
  meterFrom,
  periodsAsOf,
  quotasInForce,
  levelView,
  subtreeStanding,
  type Account,
} from '@tally/domain';
import {
  deserialize,
  streamNames,
  type AccountEvent,
  type AccountRootEvent,
  type MeterEvent,
  type QuotaTerms,
} from '@tally/events';
import type { EventStore } from '@tally/eventstore';
import { quotaStatus, ReadModels, type QuotaStatus, type Wallet } from '@tally/read-models';
import { EVENT_STORE } from '../../runtime/runtime.module';

/**
 * Answers as Tally knew them at an instant: the account's events decided at or before it are
 * folded by the domain's own `evolve`, with the meter terms in force then. Read from the event
 * store, never from the read models, which only know the present.
 */
@Injectable()
export class AccountAsOf {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModels,
  ) {}

  /** The account at `asOf`, or null when it had not opened yet. */
  async state(account: string, asOf: string): Promise<Account | null> {
    const root = (await this.store.readStream(streamNames.accountRoot(account))).map((e) => deserialize(e) as AccountRootEvent);
    // The period open then, and the one before it: a hold (at most an hour) may cross the month's start.
    const periods = periodsAsOf(root, asOf).slice(-2);
    const streams = await Promise.all(periods.map((p) => this.store.readStream(streamNames.accountPeriod(account, p))));
    const state = foldAsOf(
      streams.flat().map((e) => deserialize(e) as AccountEvent),
      asOf,
    );
    return state.period === null ? null : state;
  }

  /**
   * The quotas (own, else meter defaults then in force) as GET …/quotas answered at `asOf`, each
   * with what its limit was held against then: for a member of a tree, read from its tree's
   * aggregate at `asOf` (its subtree's usage and holds, docs/contract.md §2.7).
   */
  async quotas(account: string, asOf: string, meter?: string): Promise<QuotaStatus[]> {
    const [state, defaults] = await Promise.all([this.treeState(account, asOf), this.defaultQuotas(asOf, meter)]);
    const own = [...(state ? levelView(state, account).quotas : [])].filter(([m]) => meter === undefined || m === meter);
    return quotasInForce(own, defaults).map(([m, t]) => {
      const { usage, reserved } = state
        ? subtreeStanding(state, account, m, currentPeriodKey(t, asOf), asOf)
        : { usage: 0, reserved: 0 };
      return quotaStatus(m, t, usage, reserved, asOf);
    });
  }

  /** The state of the aggregate the account was decided in at `asOf`: its tree's root's while it was a member, else its own. */
  private async treeState(account: string, asOf: string): Promise<Account | null> {
    const state = await this.state(account, asOf);
    if (state?.tree == null) return state;
    const tree = await this.state(state.tree, asOf);
    // A move stopped before the tree took the account in: its own streams are all there is.
    return tree?.members.has(account) ? tree : state;
  }

  /** The wallet as GET …/credits answered at `asOf`; null when the account had not opened. */
  async credits(account: string, asOf: string): Promise<Wallet | null> {
    const state = await this.state(account, asOf);
    return state ? creditsView(state, asOf, heldCredits(state, asOf)) : null;
  }

  /** The grants as GET …/credits/grants answered at `asOf`; null when the account had not opened. */
  async grants(account: string, asOf: string): Promise<GrantView[] | null> {
    const state = await this.state(account, asOf);
    return state ? grantViews(state, asOf) : null;
  }

  private async defaultQuotas(asOf: string, only?: string): Promise<Array<[string, QuotaTerms]>> {
    // Meters are never deleted: today's list names every meter that existed then.
    const names = (await this.readModels.meters()).map((m) => m.meter).filter((m) => only === undefined || m === only);
    const definitions = await Promise.all(
      names.map(async (name) => {
        const events = (await this.store.readStream(streamNames.meter(name))).map((e) => deserialize(e) as MeterEvent);
        return meterFrom(meterEventsAsOf(events, asOf));
      }),
    );
    return definitions.flatMap((d) => (d?.defaultQuota ? [[d.meter, d.defaultQuota] as [string, QuotaTerms]] : []));
  }
}
