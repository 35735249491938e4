import { type CollectionBeforeChangeHook, type PayloadRequest, ValidationError } from 'payload'

import { AUTO_CODE, autoCode, type Building, householdsSum } from '../grids/buildings'
import { langOf, type MessageKey, t } from '../i18n/messages'
import type { Id } from '../model/ids'
import { nextCounterValue } from '../store/counters'

/**
 * A grid's buildings keep their codes: each building gets a code when saved
 * without one (B0001 … from one street-wide counter, never handed out
 * twice), a code is unique in the street, and once set it never changes
 * (issue 18 keys per-building links on it). A row the save keeps (same row
 * id) and that arrives without its code gets its code back. The buildings'
 * households together are at most the grid's (the readership coverage
 * rests on that).
 */
type GridData = { id?: Id; code?: string; households?: unknown; buildings?: Building[] | null }

/** Every building code of the street but this grid's, with the grid that holds it. */
async function codesElsewhere(req: PayloadRequest, gridId: Id | undefined): Promise<Map<string, { grid: string; name: string }>> {
  const { docs } = await req.payload.find({
    collection: 'grids',
    ...(gridId != null ? { where: { id: { not_equals: gridId } } } : {}),
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
    select: { code: true, buildings: { code: true, name: true } },
    req,
  })
  const out = new Map<string, { grid: string; name: string }>()
  for (const g of docs as unknown as GridData[]) for (const b of g.buildings ?? []) if (b.code) out.set(b.code, { grid: g.code ?? '', name: b.name })
  return out
}

export const buildingDetails: CollectionBeforeChangeHook = async ({ data, originalDoc, req }) => {
  const lang = langOf(req)
  const original = (originalDoc ?? {}) as GridData
  const rows: Building[] | undefined = Array.isArray(data.buildings) ? (data.buildings as Building[]) : undefined
  const errors: { path: string; message: string }[] = []
  const fail = (path: string, key: MessageKey, vars?: Record<string, string | number>) => errors.push({ path, message: t(key, lang, vars) })

  if (rows) {
    const before = new Map((original.buildings ?? []).filter((b) => b.id && b.code).map((b) => [String(b.id), b.code as string]))
    const seen = new Map<string, number>()
    rows.forEach((row, i) => {
      const code = typeof row.code === 'string' ? row.code.trim() : ''
      const kept = row.id ? before.get(String(row.id)) : undefined
      if (kept && !code) row.code = kept
      else if (kept && code !== kept) fail(`buildings.${i}.code`, 'error.buildingCodeChanged', { code: kept })
      else row.code = code || null
      if (row.code) {
        if (seen.has(row.code)) fail(`buildings.${i}.code`, 'error.buildingCodeTwice', { code: row.code, n: seen.get(row.code)! + 1 })
        else seen.set(row.code, i)
      }
    })
    if (!errors.length) {
      const elsewhere = await codesElsewhere(req, original.id)
      rows.forEach((row, i) => {
        const other = row.code ? elsewhere.get(row.code) : undefined
        if (other) fail(`buildings.${i}.code`, 'error.buildingCodeTaken', { code: row.code!, grid: other.grid, building: other.name })
      })
      if (!errors.length && rows.some((r) => !r.code)) {
        const taken = new Set([...elsewhere.keys(), ...seen.keys()])
        // Never below the highest automatic code stored (a counter lost in a restore, say).
        const floor = Math.max(0, ...[...taken].map((c) => Number(AUTO_CODE.exec(c)?.[1] ?? 0)))
        for (const row of rows) {
          if (row.code) continue
          let code = autoCode(await nextCounterValue(req, 'buildings.code', floor))
          while (taken.has(code)) code = autoCode(await nextCounterValue(req, 'buildings.code', floor))
          taken.add(code)
          row.code = code
        }
      }
    }
  }

  const households = data.households ?? original.households
  const sum = householdsSum(rows ?? original.buildings ?? [])
  // A grid count that is itself wrong is the households field's to report (its own validation).
  const validCount = typeof households === 'number' && Number.isInteger(households) && households >= 1
  if (validCount && sum > households) fail('buildings', 'error.buildingHouseholdsSum', { sum, households })

  if (errors.length) throw new ValidationError({ collection: 'grids', errors, req }, req.t)
  return data
}
