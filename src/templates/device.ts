import { t, type MessageKey } from '../i18n/messages'

/**
 * A resident's push device as they would name it ("Chrome · Android 手机"),
 * from the browser's user agent stored with the subscription. Order matters:
 * in-app and vendor browsers carry Chrome's or Safari's token too, and
 * HarmonyOS phones may say Android.
 */
const BROWSERS: [RegExp, MessageKey][] = [
  [/MicroMessenger\//i, 'device.browser.wechat'],
  [/MQQBrowser|\bQQ\//i, 'device.browser.qq'],
  [/UCBrowser|UCWEB/i, 'device.browser.uc'],
  [/HuaweiBrowser/i, 'device.browser.huawei'],
  [/MiuiBrowser/i, 'device.browser.xiaomi'],
  [/SamsungBrowser/i, 'device.browser.samsung'],
  [/\bEdg(e|A|iOS)?\//, 'device.browser.edge'],
  [/\bOPR\/|Opera/, 'device.browser.opera'],
  [/Firefox\/|FxiOS/, 'device.browser.firefox'],
  [/Chrome\/|CriOS\/|Chromium\//, 'device.browser.chrome'],
  [/Version\/[\d.]+.*Safari\//, 'device.browser.safari'],
]

const SYSTEMS: [RegExp, MessageKey][] = [
  [/HarmonyOS|OpenHarmony/i, 'device.os.harmony'],
  [/iPhone/, 'device.os.iphone'],
  [/iPad/, 'device.os.ipad'],
  [/Android/, 'device.os.android'],
  [/Windows/, 'device.os.windows'],
  [/Macintosh|Mac OS X/, 'device.os.mac'],
  [/CrOS/, 'device.os.chromeos'],
  [/Linux/, 'device.os.linux'],
]

const first = (ua: string, table: [RegExp, MessageKey][]) => table.find(([pattern]) => pattern.test(ua))?.[1]

export function deviceLabel(userAgent: string | null | undefined, lang = 'zh'): string {
  const ua = userAgent ?? ''
  const browser = first(ua, BROWSERS)
  const system = first(ua, SYSTEMS)
  if (browser && system) return t('device.label', lang, { browser: t(browser, lang), system: t(system, lang) })
  if (browser || system) return t((browser ?? system)!, lang)
  return t('subscribe.prefs.unknownDevice', lang)
}
