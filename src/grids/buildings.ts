import type { MessageKey } from '../i18n/messages'

/**
 * A building's details (the rows of a grid's `buildings`): what each value
 * may be. The admin form, the API (src/hooks/buildings.ts) and the street's
 * CSV import (src/grids/streetCsv.ts) check with these, so a value refused
 * in one is refused in all.
 */
export type Building = {
  id?: string | null
  code?: string | null
  estate?: string | null
  name: string
  address?: string | null
  households?: number | null
  head?: string | null
  headPhone?: string | null
}

export const LIMITS = { code: 30, estate: 60, name: 60, address: 60, head: 30, headPhone: 30, households: 10000 } as const

/**
 * Letters, digits, - and _: a code goes into addresses (issue 18's
 * per-building links), typed by hand in a spreadsheet.
 */
export const BUILDING_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$/
/** Codes the street gives a building saved without one: B0001, B0002 … from one street-wide counter. */
export const AUTO_CODE = /^B(\d+)$/
export const autoCode = (n: number) => `B${String(n).padStart(4, '0')}`

/** A mobile or landline number, with a country code, spaces or hyphens, and an extension: 13800000000, 0598-8955018, 8955018转12. */
export const PHONE = /^\+?\d[\d -]{3,22}\d(?:转\d{1,6})?$/

export type Problem = { key: MessageKey; vars?: Record<string, string | number> }

export function checkBuildingCode(value: string): Problem | null {
  return BUILDING_CODE.test(value) ? null : { key: 'error.buildingCode', vars: { max: LIMITS.code } }
}

export function checkHeadPhone(value: string): Problem | null {
  if (value.length > LIMITS.headPhone || !PHONE.test(value)) return { key: 'error.headPhone' }
  return null
}

export function checkBuildingHouseholds(value: unknown): Problem | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= LIMITS.households
    ? null
    : { key: 'error.buildingHouseholds', vars: { max: LIMITS.households } }
}

/** The households of a grid's buildings together, where each is a number (a bad one is reported on its own). */
export const householdsSum = (rows: readonly Building[]) =>
  rows.reduce((sum, b) => sum + (typeof b.households === 'number' && Number.isFinite(b.households) ? b.households : 0), 0)
