// A spreadsheet opening a CSV export runs a cell that starts with = + - @ (or a tab or carriage
// return before one) as a formula: =HYPERLINK(…) in a usage's `source`, which any producer key
// without a bound source may choose, would reach the finance person who opens the ledger. Such a
// text cell is written with a leading apostrophe (OWASP's advice), which spreadsheets show as
// text and do not display. Numbers written as text (a signed amount, a decimal price) stay as
// they are: they are not formulas, and a reader parsing the CSV must get them intact.

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?\d+(\.\d+)?$/;

/** A CSV text cell as written: prefixed with `'` when a spreadsheet would run it as a formula. */
export function spreadsheetSafe(value: string): string {
  return FORMULA_START.test(value) && !NUMBER.test(value) ? `'${value}` : value;
}
