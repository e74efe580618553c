/** Names an account, subject or meter may take: no '/', which separates a period in stream names. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
/** The rule of {@link NAME_PATTERN}, as validation messages say it. */
export const NAME_RULE = 'must be 1-128 characters of letters, digits and . _ : @ -, starting with a letter or digit';

/** A period is a UTC calendar month. */
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Prefix of every account stream; the projector subscribes to it. */
export const ACCOUNT_STREAM_PREFIX = 'account-';
/** Prefix of meter definition streams. */
export const METER_STREAM_PREFIX = 'meter-';
/** Prefix of subject-mapping streams. */
export const SUBJECT_STREAM_PREFIX = 'subject-';

/** Stream names, in one place so that writers and readers cannot disagree. */
export const streamNames = {
  /** Where an account's books are: AccountOpened, then one PeriodStarted per period. */
  accountRoot: (account: string) => `${ACCOUNT_STREAM_PREFIX}${account}`,
  /** One stream per account per period: decisions, grants and quota changes. */
  accountPeriod: (account: string, period: string) => `${ACCOUNT_STREAM_PREFIX}${account}/${period}`,
  meter: (meter: string) => `${METER_STREAM_PREFIX}${meter}`,
  subject: (subject: string) => `${SUBJECT_STREAM_PREFIX}${subject}`,
};
