/** The validation message of a month query parameter (`from`, `to`, `month`). */
export const MONTH_RULE = { message: ({ property }: { property: string }) => `${property} must be a month written YYYY-MM` };
