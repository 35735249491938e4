import { describe, expect, it } from 'vitest'

import { deviceLabel } from '../../src/templates/device'

describe('a push device as residents name it', () => {
  it('names the browser and the system from real user agents, in-app and vendor browsers first', () => {
    const cases: [string, string, string][] = [
      ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36', 'Chrome · 安卓手机', 'Chrome · Android phone'],
      ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', 'Safari · iPhone', 'Safari · iPhone'],
      ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47', '微信 · iPhone', 'WeChat · iPhone'],
      ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0', 'Edge · Windows 电脑', 'Edge · Windows computer'],
      ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:131.0) Gecko/20100101 Firefox/131.0', 'Firefox · Mac 电脑', 'Firefox · Mac'],
      ['Mozilla/5.0 (Linux; Android 13; V2183A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 MQQBrowser/6.2', 'QQ 浏览器 · 安卓手机', 'QQ Browser · Android phone'],
      ['Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0 HuaweiBrowser/14.0.1.300 Mobile Safari/537.36', '华为浏览器 · 鸿蒙设备', 'Huawei Browser · HarmonyOS device'],
      ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36', 'Chrome · Linux 电脑', 'Chrome · Linux computer'],
    ]
    for (const [ua, zh, en] of cases) {
      expect(deviceLabel(ua)).toBe(zh)
      expect(deviceLabel(ua, 'en')).toBe(en)
    }
  })

  it('says what it can, and 未知浏览器 when it knows nothing', () => {
    expect(deviceLabel('Mozilla/5.0 (Linux; Android 14) SomeNewBrowser/1.0')).toBe('安卓手机')
    expect(deviceLabel('Firefox/131.0')).toBe('Firefox')
    expect(deviceLabel('')).toBe('未知浏览器')
    expect(deviceLabel(null)).toBe('未知浏览器')
    expect(deviceLabel('<script>alert(1)</script>')).toBe('未知浏览器')
  })
})
