/**
 * CSV for staff exports (subscribers, readership, audit log): RFC 4180
 * quoting, CRLF lines, and no cell a spreadsheet would run as a formula.
 * Callers prefix UTF-8 output with a byte-order mark, which Excel needs.
 */

/** One CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
export function csvCell(value: unknown): string {
  let s = value == null ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`
