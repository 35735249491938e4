import type { Endpoint, Field, PayloadHandler } from 'payload'

import { adminFieldOnly, type StaffUser } from '../access'
import { headPhoneRead } from '../access/headPhone'
import { checkHeadPhone, LIMITS } from '../grids/buildings'
import { label, langOf, t } from '../i18n/messages'
import { qrSvg } from '../templates/qr'
import { changeRelayLink, currentLink, gridOfBuilding, type HeadChange, mayManageRelay } from './links'

/**
 * The relay fields of a building row (issue 18) and the staff endpoints that
 * make, show and revoke a head's link:
 *   GET  /api/grids/relay/:building            the current link (or null)
 *   GET  /api/grids/relay/:building/qr.svg      its QR code
 *   POST /api/grids/relay/:building            {action: 'issue'|'revoke', head?, headPhone?, headEmail?, consent?}
 * for editors, admins and the building's grid leaders (src/relay/links.ts).
 * The head's email and the link state are read like the head's phone.
 */
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/

export const relayBuildingFields: Field[] = [
  // The link, its QR code and the issue / revoke buttons (src/components/RelayLinkField.tsx).
  { name: 'relayLink', type: 'ui', admin: { components: { Field: '/components/RelayLinkField#RelayLinkField' } } },
  {
    name: 'headEmail',
    type: 'email',
    label: label('relay.field.headEmail'),
    access: { read: headPhoneRead, create: adminFieldOnly, update: adminFieldOnly },
  },
  {
    name: 'headConsent',
    type: 'checkbox',
    label: label('relay.field.headConsent'),
    access: { read: headPhoneRead, create: adminFieldOnly, update: adminFieldOnly },
  },
  { name: 'headConsentAt', type: 'date', label: label('relay.field.headConsentAt'), access: { read: headPhoneRead, create: adminFieldOnly, update: adminFieldOnly }, admin: { readOnly: true } },
  { name: 'relayVersion', type: 'number', label: label('relay.field.version'), access: { read: headPhoneRead, create: adminFieldOnly, update: adminFieldOnly }, admin: { readOnly: true } },
  { name: 'relayActive', type: 'checkbox', label: label('relay.field.active'), access: { read: headPhoneRead, create: adminFieldOnly, update: adminFieldOnly }, admin: { readOnly: true } },
  { name: 'relayIssuedAt', type: 'date', label: label('relay.field.issuedAt'), access: { read: headPhoneRead, create: adminFieldOnly, update: adminFieldOnly }, admin: { readOnly: true } },
]

const json = (status: number, body: unknown) => Response.json(body, { status, headers: { 'Cache-Control': 'private, no-store' } })

/** The building of the route, when the caller may manage its link; else the refusal. */
async function allowed(req: Parameters<PayloadHandler>[0]) {
  const lang = langOf(req)
  const code = String(req.routeParams?.building ?? '').slice(0, LIMITS.code)
  const user = req.user as StaffUser | null
  if (!user) return { refusal: json(401, { message: t('tools.error.login', lang) }) }
  const grid = await gridOfBuilding(req.payload, code)
  const building = grid?.buildings?.find((b) => b.code === code)
  if (!grid || !building) return { refusal: json(404, { message: t('relay.error.noBuilding', lang, { code }) }) }
  if (!mayManageRelay(user, grid.id)) return { refusal: json(403, { message: t('tools.error.notYourGrid', lang, { code: grid.code }) }) }
  return { grid, building, code }
}

const show: PayloadHandler = async (req) => {
  const a = await allowed(req)
  if ('refusal' in a) return a.refusal!
  return json(200, { building: a.code, head: a.building.head ?? null, link: currentLink(a.building), version: a.building.relayVersion ?? 0 })
}

const qr: PayloadHandler = async (req) => {
  const a = await allowed(req)
  if ('refusal' in a) return a.refusal!
  const link = currentLink(a.building)
  if (!link) return json(404, { message: t('relay.error.noLink', langOf(req)) })
  return new Response(await qrSvg(link), {
    headers: { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'private, no-store', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" },
  })
}

const change: PayloadHandler = async (req) => {
  const a = await allowed(req)
  if ('refusal' in a) return a.refusal!
  const lang = langOf(req)
  const body = ((await req.json?.().catch(() => null)) ?? {}) as Record<string, unknown>
  const action = body.action === 'issue' || body.action === 'revoke' ? body.action : null
  if (!action) return json(400, { message: t('relay.error.action', lang) })
  const handover: HeadChange = {}
  if (typeof body.head === 'string') handover.head = body.head.slice(0, LIMITS.head)
  if (typeof body.headPhone === 'string') {
    if (body.headPhone.trim() && checkHeadPhone(body.headPhone.trim())) return json(400, { message: t('error.headPhone', lang) })
    handover.headPhone = body.headPhone
  }
  if (typeof body.headEmail === 'string') {
    if (body.headEmail.trim() && !EMAIL.test(body.headEmail.trim())) return json(400, { message: t('relay.error.headEmail', lang) })
    handover.headEmail = body.headEmail
  }
  if (typeof body.consent === 'boolean') handover.consent = body.consent
  const done = await changeRelayLink(req.payload, req, a.code, action, handover)
  return json(200, { building: a.code, link: done?.link ?? null, version: done?.building.relayVersion ?? 0 })
}

export const relayEndpoints: Endpoint[] = [
  { path: '/relay/:building', method: 'get', handler: show },
  { path: '/relay/:building/qr.svg', method: 'get', handler: qr },
  { path: '/relay/:building', method: 'post', handler: change },
]
