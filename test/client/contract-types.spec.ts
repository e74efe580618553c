import type { HoldView, ReleasedView } from '@tally/api';
import type {
  Credits,
  Grant,
  DailyUsageLine,
  Decision,
  ExtensionValue,
  FieldError,
  Hold,
  QuotaView,
  RejectReason,
  ReleasedHold,
  UsageCheck,
  UsageLine,
} from '@tally/client';
import type { ExtensionValue as ServiceExtensionValue, RejectReason as ServiceRejectReason } from '@tally/events';
import type { DecisionMessage, FieldError as ServiceFieldError, UsageCheck as ServiceUsageCheck } from '@tally/messages';
import type { DailyUsageLine as ServiceDailyUsageLine, QuotaStatus, UsageLine as ServiceUsageLine } from '@tally/read-models';
import type { CreditsView, GrantView } from '@tally/domain';

// The client declares the contract's types itself so that it installs alone; these lines stop
// compiling (npm test runs tsc) the moment they differ from the service's own definitions.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same: [
  Same<Decision, DecisionMessage>,
  Same<UsageCheck, ServiceUsageCheck>,
  Same<FieldError, ServiceFieldError>,
  Same<RejectReason, ServiceRejectReason>,
  Same<ExtensionValue, ServiceExtensionValue>,
  Same<Hold, HoldView>,
  Same<ReleasedHold, ReleasedView>,
  Same<UsageLine, ServiceUsageLine>,
  Same<DailyUsageLine, ServiceDailyUsageLine>,
  Same<Grant, GrantView>,
  Same<Credits, CreditsView>,
  // Every field the client names has the service's type (the service may carry more).
  Same<QuotaView, Pick<QuotaStatus, keyof QuotaView>>,
] = [true, true, true, true, true, true, true, true, true, true, true, true];

describe("the client's copy of the contract types", () => {
  it('is the same as the service definitions (checked by the compiler)', () => {
    expect(same.every(Boolean)).toBe(true);
  });
});
