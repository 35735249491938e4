import type { ServerProps } from 'payload'

import { t } from '../i18n/messages'

/**
 * Above the subscribers list (Subscribers.ts, beforeList). The list's search
 * box searches by address (admin.listSearchableFields), which only
 * administrators may read or query; Payload's client config is the same for
 * every role, so for everyone else this hides the box and says what to use
 * instead (the filters offer only the fields the user may read).
 */
export const SEARCH_HIDDEN_CSS = '.collection-list--subscribers .search-bar .search-filter,.collection-list--subscribers .search-bar>.icon--search{display:none}'

export function SubscribersSearch({ user, i18n }: Pick<ServerProps, 'user' | 'i18n'>) {
  if ((user as { role?: string } | undefined)?.role === 'admin') return null
  const lang = i18n?.language === 'en' ? 'en' : 'zh'
  return (
    <div className="subscribers-search-note" id="subscribers-no-search">
      <style>{SEARCH_HIDDEN_CSS}</style>
      <p style={{ margin: '0 var(--gutter-h) 0.5rem', color: 'var(--theme-elevation-600)' }}>{t('subscribers.noSearch', lang)}</p>
    </div>
  )
}
