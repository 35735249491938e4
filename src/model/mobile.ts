/** The 11-digit mainland mobile number, or null when it is not one: the one rule for the SMS client and residents' numbers. */
export function normalizeMobile(input: string): string | null {
  const m = /^(?:\+?86|0086)?(1[3-9]\d{9})$/.exec(String(input ?? '').replace(/[\s()-]/g, ''))
  return m ? m[1] : null
}
