import {
  announcementCreate,
  announcementRead,
  announcementReadVersions,
  announcementWrite,
  idOf,
  isGridScoped,
  scopedGridIds,
} from '../access'
import { bodyField, summaryField } from '../fields/content'
import { label } from '../i18n/messages'
import { contentCollection } from './contentCollection'

export const Announcements = contentCollection({
  slug: 'announcements',
  forGridStaff: true,
  defaultColumns: ['title', 'grids', '_status', 'review', 'publishedAt'],
  access: {
    read: announcementRead,
    readVersions: announcementReadVersions,
    create: announcementCreate,
    update: announcementWrite,
    delete: announcementWrite,
  },
  fields: [
    {
      name: 'grids',
      type: 'relationship',
      relationTo: 'grids',
      hasMany: true,
      required: true,
      index: true,
      label: label('field.grids'),
      // A grid leader who leads one grid does not have to pick it.
      defaultValue: ({ user }: { user?: unknown }) => {
        const u = user as { role?: string; grids?: unknown[] | null } | null | undefined
        return u?.role === 'grid-leader' && u.grids?.length === 1 ? [idOf(u.grids[0] as never)] : undefined
      },
      // Grid-scoped staff pick only among their own grids.
      filterOptions: async ({ req }) =>
        isGridScoped(req.user) ? { id: { in: await scopedGridIds(req) } } : true,
    },
    summaryField,
    bodyField('body'),
  ],
})
