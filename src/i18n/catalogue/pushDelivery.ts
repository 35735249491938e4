/** Catalogue section: web-push deliveries (the pipeline's push driver). Spread into the one catalogue in ../messages.ts. */
export const pushDeliveryMessages = {
  'delivery.reason.goneStreak.webpush': {
    zh: '连续 {count} 位居民的推送订阅被推送服务同一答复拒收（{code}），更像是推送服务的问题，已暂停，这些推送订阅已恢复。请检查推送服务或代理后点击继续。',
    en: '{count} residents’ push subscriptions in a row were refused by the push service with the same answer ({code}), more likely the push service’s fault; paused, and those subscriptions were restored. Check the push service or proxy, then resume.',
  },
} as const
