import { t } from '../../i18n/messages'
import { esc } from '../html'
import { paths } from '../paths'
import { layout } from './layout'
import { myGridSetLink } from './myGrid'
import { cards, gridLabel, heading } from './pages'
import type { AnnouncementDoc, CommunityDoc, ContentBase, EventDoc, GridDoc, IssueDoc, PageContext, PolicyDoc } from './types'

/** The grid list (/grids) and a grid's page (/grids/CODE). */

/** A building row of the directory: estate, label, and its road and number where it has one. */
export type BuildingRow = { estate: string; name: string; address?: string | null }
export type GridListEntry = GridDoc & { buildings?: BuildingRow[] }

/** The estates a grid's buildings are in, in the order first met. */
const estatesOf = (buildings: BuildingRow[] | undefined) => [...new Set((buildings ?? []).map((b) => b.estate).filter(Boolean))]

export function gridsPage(ctx: PageContext, groups: { community: CommunityDoc; grids: GridListEntry[] }[]): string {
  const item = (g: GridListEntry) => {
    const estates = estatesOf(g.buildings)
    const meta = estates.length ? `<p class="meta">${esc(t('grid.estates', 'zh', { estates: estates.join('、') }))}</p>` : ''
    return `<li><a href="${esc(paths.grid(g.code))}">${esc(gridLabel(g))}</a>${meta}</li>`
  }
  const body = groups
    .map(
      ({ community, grids }) =>
        `<section class="community"><h2>${esc(community.name)} <small>${esc(t('site.gridCount', 'zh', { n: grids.length }))}</small></h2>` +
        `<ul class="grid-list">${grids.map(item).join('')}</ul></section>`,
    )
    .join('')
  return layout(
    ctx,
    { title: t('site.grids'), type: 'website' },
    `<h1>${esc(t('site.grids'))}</h1><p>${esc(t('site.gridsIntro'))}</p>${body || `<p class="empty">${esc(t('site.noContent'))}</p>`}`,
  )
}

export type GridPageData = {
  grid: GridDoc
  /** The grid's buildings from the directory. */
  buildings: BuildingRow[]
  /** Its grid leaders; workPhone only where the leader chose to show it. */
  leaders: { name: string; workPhone: string | null }[]
  announcements: AnnouncementDoc[]
  latest: IssueDoc | null
  events: EventDoc[]
  policies: PolicyDoc[]
}

/** Urgent first, otherwise in the order given (a stable sort). */
export const urgentFirst = <T extends { doc: ContentBase }>(items: T[]): T[] => [...items].sort((a, b) => Number(Boolean(b.doc.urgent)) - Number(Boolean(a.doc.urgent)))

/** A building's label under its estate, without the estate's name again (碧湖小区3号楼 → 3号楼), with its address when it has one. */
function buildingText(b: BuildingRow): string {
  const label = b.estate && b.name.startsWith(b.estate) && b.name.length > b.estate.length ? b.name.slice(b.estate.length).trim() : b.name
  return b.address ? `${label}（${b.address}）` : label
}

function buildingsSection(buildings: BuildingRow[]): string {
  const byEstate = new Map<string, BuildingRow[]>()
  for (const b of buildings) byEstate.set(b.estate, [...(byEstate.get(b.estate) ?? []), b])
  const rows = [...byEstate.entries()]
    .map(([estate, list]) => `<dt>${esc(estate || t('grid.otherBuildings'))}</dt><dd>${esc(list.map(buildingText).join('、'))}</dd>`)
    .join('')
  const body = rows ? `<dl class="facts buildings">${rows}</dl>` : `<p class="empty">${esc(t('grid.noBuildings'))}</p>`
  return `<section class="grid-buildings">${heading('grid.buildingsTitle')}${body}</section>`
}

/** A phone number as a tel: link (digits and + only in the link; as written in the text). */
function telLink(phone: string): string {
  const tel = phone.replace(/[^0-9+]/g, '')
  return tel ? `<a href="tel:${esc(tel)}">${esc(phone)}</a>` : esc(phone)
}

function leadersSection(leaders: GridPageData['leaders']): string {
  if (!leaders.length) return ''
  const items = leaders
    .map((l) => `<li><span class="leader-name">${esc(l.name)}</span>${l.workPhone ? ` <span class="leader-phone">${esc(t('grid.workPhone'))} ${telLink(l.workPhone)}</span>` : ''}</li>`)
    .join('')
  return `<section class="grid-leader">${heading('grid.leaderTitle')}<ul class="plain">${items}</ul><p class="hint">${esc(t('grid.leaderHint'))}</p></section>`
}

export function gridPage(ctx: PageContext, data: GridPageData): string {
  const { grid } = data
  const community = grid.community && typeof grid.community === 'object' ? grid.community.name : ''
  const streetWide = urgentFirst([
    ...(data.latest ? [{ href: paths.issue(data.latest.number), doc: data.latest, label: t('site.issueNumber', 'zh', { number: data.latest.number }) }] : []),
    ...data.events.map((e) => ({ href: paths.event(e.id), doc: e, label: t('col.events.singular') })),
    ...data.policies.map((p) => ({ href: paths.policy(p.id), doc: p, label: t('col.policies.singular') })),
  ])
  const announcements = urgentFirst(data.announcements.map((a) => ({ href: paths.announcement(a.id), doc: a })))
  const actions =
    `<p class="grid-actions"><a class="button" href="${esc(paths.subscribe(grid.code))}">${esc(t('grid.subscribe'))}</a> ` +
    `${myGridSetLink(grid.code)}</p><p class="hint">${esc(t('mygrid.setHint'))}</p>`
  const main =
    `<p class="kicker">${esc(community)}</p><h1>${esc(gridLabel(grid))}</h1>` +
    (grid.households ? `<p class="meta">${esc(t('site.households', 'zh', { n: grid.households }))}</p>` : '') +
    actions +
    `<section>${heading('site.gridAnnouncements')}${cards(announcements)}</section>` +
    leadersSection(data.leaders) +
    buildingsSection(data.buildings) +
    `<section>${heading('site.streetWide')}${cards(streetWide)}</section>`
  return layout(ctx, { title: gridLabel(grid), description: t('site.gridsIntro'), type: 'website' }, main)
}
