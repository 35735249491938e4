import type { PayloadRequest } from 'payload'

import { isAdmin } from '../access'
import { channelConfigured } from '../delivery/config'
import { type Lang, type MessageKey, t } from '../i18n/messages'
import { DELIVERY_CHANNELS } from '../model/deliveries'

/**
 * The administrator's set-up checklist on the admin home: each channel
 * configured and proven by a message that went out, the site settings with
 * both filing numbers, the street's grids and buildings, the staff accounts.
 * Only an administrator gets it: it names the server's settings.
 */
export type SetupItem = { key: string; title: string; done: boolean; detail: string; links: { label: string; href: string }[] }

const count = async (req: PayloadRequest, collection: 'communities' | 'grids' | 'users' | 'deliveries', where?: object) =>
  (await req.payload.count({ collection, where: where as never, overrideAccess: true, req })).totalDocs

export async function setupChecklist(req: PayloadRequest, lang: Lang): Promise<SetupItem[] | null> {
  if (!isAdmin(req.user)) return null
  const admin = req.payload.config.routes.admin
  const items: SetupItem[] = []

  for (const channel of DELIVERY_CHANNELS) {
    const configured = channelConfigured(channel)
    // Proven: a delivery of this channel got at least one message accepted (or, on WeChat, was published).
    const sent = configured
      ? await count(req, 'deliveries', { and: [{ channel: { equals: channel } }, { or: [{ submitted: { greater_than: 0 } }, { status: { equals: 'done' } }] }] })
      : 0
    items.push({
      key: `channel-${channel}`,
      title: t('home.setup.channel', lang, { channel: t(`channel.${channel}` as MessageKey, lang) }),
      done: configured && sent > 0,
      detail: !configured
        ? t(`home.setup.channel.missing.${channel}` as MessageKey, lang)
        : t(sent > 0 ? 'home.setup.channel.tested' : 'home.setup.channel.untested', lang),
      links: [],
    })
  }

  const settings = (await req.payload.findGlobal({ slug: 'site-settings', depth: 0, overrideAccess: true, req })) as unknown as Record<string, unknown>
  const wanted: [string, MessageKey][] = [
    ['streetName', 'settings.streetName'],
    ['hotline', 'settings.hotline'],
    ['icp', 'settings.icp'],
    ['psb', 'settings.psb'],
  ]
  // The street's name is 街道 until the admin writes theirs.
  const missing = wanted.filter(([f]) => !String(settings[f] ?? '').trim() || (f === 'streetName' && settings[f] === '街道')).map(([, key]) => t(key, lang))
  items.push({
    key: 'settings',
    title: t('home.setup.settings', lang),
    done: missing.length === 0,
    detail: missing.length ? t('home.setup.settings.missing', lang, { fields: missing.join('、') }) : t('home.setup.settings.ok', lang),
    links: [{ label: t('home.setup.open', lang), href: `${admin}/globals/site-settings` }],
  })

  const [communities, gridDocs] = await Promise.all([
    count(req, 'communities'),
    req.payload.find({ collection: 'grids', limit: 0, pagination: false, depth: 0, overrideAccess: true, req, select: { code: true, buildings: true } }),
  ])
  const grids = gridDocs.docs as unknown as { id: unknown; code: string; buildings?: unknown[] | null }[]
  const buildings = grids.reduce((n, g) => n + (g.buildings?.length ?? 0), 0)
  items.push({
    key: 'street',
    title: t('home.setup.street', lang),
    done: grids.length > 0 && buildings > 0,
    detail: t('home.setup.street.detail', lang, { communities, grids: grids.length, buildings }),
    links: [
      { label: t('home.setup.open', lang), href: `${admin}/collections/grids` },
      { label: t('home.setup.street.import', lang), href: `${admin}/street-tools` },
    ],
  })

  const leaders = await req.payload.find({
    collection: 'users',
    where: { role: { equals: 'grid-leader' } },
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
    req,
    select: { grids: true },
  })
  const led = new Set((leaders.docs as unknown as { grids?: unknown[] | null }[]).flatMap((u) => (u.grids ?? []).map((g) => String(typeof g === 'object' && g ? (g as { id: unknown }).id : g))))
  const unled = grids.filter((g) => !led.has(String(g.id)))
  const [editors, staff] = await Promise.all([count(req, 'users', { role: { equals: 'editor' } }), count(req, 'users', { role: { equals: 'community-staff' } })])
  const notes = [t('home.setup.staff.detail', lang, { editors, leaders: leaders.docs.length, staff })]
  // Admins write too, but a street needs at least one editor besides them.
  if (!editors) notes.push(t('home.setup.staff.noEditor', lang))
  if (unled.length) notes.push(t('home.setup.staff.unled', lang, { n: unled.length, grids: unled.slice(0, 8).map((g) => g.code).join('、') + (unled.length > 8 ? '…' : '') }))
  items.push({
    key: 'staff',
    title: t('home.setup.staff', lang),
    done: editors > 0 && unled.length === 0 && grids.length > 0,
    detail: notes.join(''),
    links: [{ label: t('home.setup.open', lang), href: `${admin}/collections/users` }],
  })
  return items
}
