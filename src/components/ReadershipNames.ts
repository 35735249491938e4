import { type Lang, t } from '../i18n/messages'
import type { ContentRef } from '../readership/dashboard'
import { formatDate } from '../templates/format'

/** How the admin's readership pages and home name things: the user's language, a content's key and its title line. */
export const langFrom = (props: { i18n?: { language?: string } }): Lang => (props.i18n?.language === 'en' ? 'en' : 'zh')

export const contentKey = (c: Pick<ContentRef, 'type' | 'id'>) => `${c.type}:${c.id}`

export const contentName = (c: ContentRef, lang: Lang) =>
  `${c.number !== null ? `${t('readership.chart.issue', lang, { n: c.number })} ` : ''}${c.title}${c.publishedAt ? `(${formatDate(c.publishedAt)})` : ''}`
