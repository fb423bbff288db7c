import { stringify, type Options } from 'csv-stringify/sync'

/*
 * CSV for spreadsheets. csv-stringify does the quoting (RFC 4180); what it does not do is CSV-injection
 * defence, added here through its `cast` hooks so every cell passes through it whatever its type.
 */

/**
 * A cell beginning with = + - @ (or tab / carriage return) is prefixed with ' so a spreadsheet shows it as text
 * instead of running it as a formula.
 */
function neutralise (s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
}

const OPTIONS: Options = {
  // CRLF line ends, as RFC 4180 and spreadsheets expect, after the last row too.
  record_delimiter: 'windows',
  eof: true,
  // csv-stringify quotes a cell holding the whole record delimiter (CRLF) but not a lone CR or LF, which would
  // still break the row in a spreadsheet; leading or trailing spaces are quoted so they are not trimmed away.
  quoted_match: /[\r\n]|^\s|\s$/,
  cast: {
    string: neutralise,
    number: (n) => neutralise(String(n)),
    bigint: (n) => neutralise(String(n)),
    boolean: (b) => String(b),
    date: (d) => d.toISOString()
  }
}

/** Rows of cells as CSV text; null and undefined are empty cells, dates ISO 8601 in UTC. */
export function toCsv (rows: readonly (readonly unknown[])[]): string {
  return stringify(rows as unknown[][], OPTIONS)
}

/** One cell as it appears in `toCsv`'s output. */
export function csvCell (value: unknown): string {
  return stringify([[value]], { ...OPTIONS, eof: false })
}
