/** Catalogue section: the channel fallback (src/delivery/fallback.ts). Spread into the one catalogue in ../messages.ts. */
export const fallbackMessages = {
  'audience.kind.fallback': { zh: '补发', en: 'Fallback' },
  'fallback.field.round': { zh: '补发轮次', en: 'Fallback round' },
  'fallback.field.channelOrder': { zh: '补发渠道顺序', en: 'Fallback order of channels' },
  'fallback.label': { zh: '补发（{channel}）', en: 'Fallback ({channel})' },
  'fallback.prefs.legend': { zh: '补发顺序', en: 'Fallback order' },
  'fallback.prefs.hint': {
    zh: '某个渠道对您永久失效（如邮箱不存在、设备已失效）且其他渠道都没有送达时，按下面的顺序用您订阅的下一个渠道补发一次。其他渠道失效时用短信补发，不受短信栏目的限制。',
    en: 'When a channel fails for good for you (an address that does not exist, a device gone) and no other channel reached you, the content goes once by your next subscribed channel in this order. SMS is used when the other channels fail, whatever SMS topics you ticked.',
  },
  'fallback.prefs.position': { zh: '第{n}', en: 'No. {n}' },
  'fallback.prefs.invalid': { zh: '补发顺序中每个渠道只能出现一次。', en: 'Each channel may appear only once in the fallback order.' },
} as const
