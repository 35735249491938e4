/** Catalogue section: the channel fallback (src/delivery/fallback.ts). Spread into the one catalogue in ../messages.ts. */
export const fallbackMessages = {
  'audience.kind.fallback': { zh: '补发', en: 'Fallback' },
  'fallback.field.round': { zh: '补发轮次', en: 'Fallback round' },
  'fallback.field.channelOrder': { zh: '补发渠道顺序', en: 'Fallback order of channels' },
  'fallback.label': { zh: '补发（{channel}）', en: 'Fallback ({channel})' },
  'fallback.prefs.legend': { zh: '补发顺序', en: 'Fallback order' },
  'fallback.prefs.hint': {
    zh: '某个渠道对您永久失效、其他渠道也没有送达时，按此顺序用下一个渠道补发一次。其他渠道失效时用短信补发，不受短信栏目限制。',
    en: 'When a channel fails for good for you and no other reached you, the next channel in this order sends it once. SMS is used when the others fail, whatever SMS topics you ticked.',
  },
  'fallback.prefs.first': { zh: '第一', en: 'First' },
  'fallback.prefs.second': { zh: '第二', en: 'Second' },
  'fallback.prefs.third': { zh: '第三', en: 'Third' },
  'fallback.prefs.invalid': { zh: '补发顺序中每个渠道只能出现一次。', en: 'Each channel may appear only once in the fallback order.' },
} as const
