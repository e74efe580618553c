import type { SchemaObject } from '@nestjs/swagger';
import { int, nullable, object, refOrNull, str } from './schema-builders';

// Components are referenced by name: this module must not import schemas.ts, which spreads it.
const component = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const grant = object({
  id: str('promo-2026-01'),
  amount: int(undefined, 1000),
  remaining: int('what is left of it in the balance: once it expired or was voided, only what open reservations keep of it', 400),
  held: int('what open reservations earmarked on it: in `remaining`, spendable only by their commits', 0),
  priority: int('1 burns first; default 50', 10),
  effectiveAt: str('2026-01-01T00:00:00.000Z'),
  expiresAt: nullable(str('2026-02-01T00:00:00.000Z', 'null: never expires')),
  voidedAt: nullable(str(undefined)),
  reason: nullable(str('promotion')),
  status: { type: 'string', enum: ['pending', 'live', 'expired', 'voided'], description: 'pending: not effective yet' },
});

/** What the credit routes answer, by component name. */
export const CREDIT_SCHEMAS: Record<string, SchemaObject> = {
  Credits: object({
    balance: int("the live grants' remainders", 40),
    held: int('credits live reservations earmarked on the grants: in the balance, but not spendable', 0),
    granted: int(undefined, 100),
    spent: int(undefined, 60),
    expired: int('credits that left the balance when their grant expired', 0),
    voided: int('credits that left the balance when their grant was voided', 0),
    nextExpiry: refOrNull(component('NextExpiry')),
    allowance: refOrNull(component('Allowance')),
  }),
  NextExpiry: {
    ...object({ at: str('2026-02-01T00:00:00.000Z'), amount: int(undefined, 400) }),
    description: 'the next instant live credits expire, and how many',
  },
  Grant: grant,
  GrantAnswer: object({ grant: component('Grant'), balance: int('the live balance after the grant', 1040) }),
  Allowance: object({
    amount: int(undefined, 100),
    per: { type: 'string', enum: ['month', 'day'] },
    priority: int(undefined, 50),
  }),
  LedgerRow: object(
    {
      account: str('acme'),
      at: str('2026-01-12T09:30:00.000Z', 'when the movement took effect'),
      kind: { type: 'string', enum: ['granted', 'burnt', 'expired', 'voided', 'refunded'] },
      grant: str('promo-2026-01'),
      amount: int('signed: what the movement did to the balance', -6),
      usage: str('geocoder/job-42', 'source/id of the usage that burnt or was refunded'),
    },
    ['usage'],
  ),
};
