import type { SanitizedConfig } from 'payload'

import { label, type MessageKey } from '../i18n/messages'

/**
 * Names from the catalogue for the collections Payload adds by itself: its
 * messages name them ("已成功删除 2 个编辑锁。" when staff release locks), and
 * would otherwise say "Payload Locked Documents" in the middle of Chinese.
 * Payload builds these collections while it sanitizes the config and offers
 * no option for their labels (the jobs collection's override could, the
 * others have none), so they are set on the built config, as their access is
 * (src/access/payloadInternals.ts). GraphQL and type names come from the
 * slugs, not the labels, so they do not change.
 */
export const INTERNAL_COLLECTIONS = ['payload-locked-documents', 'payload-preferences', 'payload-jobs', 'payload-migrations'] as const

export function withInternalLabels(config: SanitizedConfig): SanitizedConfig {
  for (const slug of INTERNAL_COLLECTIONS) {
    const collection = config.collections.find((c) => c.slug === slug)
    if (!collection) continue // payload-jobs only exists with jobs configured
    collection.labels = { singular: label(`col.${slug}.singular` as MessageKey), plural: label(`col.${slug}.plural` as MessageKey) }
  }
  return config
}
