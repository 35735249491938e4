import { describe, expect, it } from 'vitest'

import { doc, h, link, p } from '../../src/seed/lexical'
import { chineseDatesIn, formatDate } from '../../src/templates/format'
import { findPhones } from '../../src/templates/phone'
import { plainSummary } from '../../src/templates/plainText'
import { linkPhonesAndDates } from '../../src/templates/readable'

describe('telephone numbers in Chinese text', () => {
  // [text, the numbers found in it, the tel: targets]
  const positives: [string, string[], string[]][] = [
    ['请拨打13800138000咨询', ['13800138000'], ['tel:13800138000']],
    ['联系人：王阿姨 138 0013 8000', ['138 0013 8000'], ['tel:13800138000']],
    ['手机 138-0013-8000。', ['138-0013-8000'], ['tel:13800138000']],
    ['境外请拨 +86 138 0013 8000', ['+86 138 0013 8000'], ['tel:+8613800138000']],
    ['+8619912345678', ['+8619912345678'], ['tel:+8619912345678']],
    ['社区电话：0571-8888 1234', ['0571-8888 1234'], ['tel:057188881234']],
    ['0571-88881234，工作日 8:30 至 17:30', ['0571-88881234'], ['tel:057188881234']],
    ['0571 8888 1234', ['0571 8888 1234'], ['tel:057188881234']],
    ['（0571）88881234', ['（0571）88881234'], ['tel:057188881234']],
    ['(010)8888-1234', ['(010)8888-1234'], ['tel:01088881234']],
    ['北京 010-62345678', ['010-62345678'], ['tel:01062345678']],
    ['0598-1234567', ['0598-1234567'], ['tel:05981234567']],
    ['057188881234', ['057188881234'], ['tel:057188881234']],
    ['客服 400-123-4567', ['400-123-4567'], ['tel:4001234567']],
    ['800 820 8820', ['800 820 8820'], ['tel:8008208820']],
    ['有困难请拨打12345', ['12345'], ['tel:12345']],
    ['12345政务服务便民热线', ['12345'], ['tel:12345']],
    ['市民热线 12345 全天接听', ['12345'], ['tel:12345']],
    ['遇到火情请拨打 119。', ['119'], ['tel:119']],
    ['停电报修电话95598', ['95598'], ['tel:95598']],
    ['甲：13800138000；乙：13900139000', ['13800138000', '13900139000'], ['tel:13800138000', 'tel:13900139000']],
    ['电话13800138000转801', ['13800138000'], ['tel:13800138000']],
    ['服务热线 8955018', ['8955018'], ['tel:8955018']],
    ['咨询电话：8888 1234', ['8888 1234'], ['tel:88881234']],
  ]
  const negatives = [
    '2026-12-06',
    '2026年12月6日',
    '20261206',
    '2026.12.06',
    '8:00-12:00',
    '身份证号 350102199001011234',
    '订单号 13800138000123',
    '编号 A13800138000',
    'ID_13800138000',
    '13800138000@163.com',
    'https://example.org/n/13800138000',
    '/notice?tel=13800138000',
    'a-13800138000',
    '共 13800138000 元',
    '15000000000元',
    '13800138000人次',
    '版本 1.13800138000',
    '13800138000.5',
    '共12345户', // a count, no word of calling
    '12345', // a short number alone
    '本期110页',
    '120平方米',
    '第 12345 号',
    '12345678901',
    '10086110',
    '0000-1234567',
    '人口 8955018',
    '热线开通于 20261206',
    '拨打电话的次数 8888 1234 次',
  ]

  it.each(positives)('finds the number in %s', (text, numbers, tels) => {
    const found = findPhones(text)
    expect(found.map((f) => f.text)).toEqual(numbers)
    expect(found.map((f) => f.tel)).toEqual(tels)
    for (const f of found) expect(text.slice(f.start, f.end)).toBe(f.text)
  })

  it.each(negatives)('finds no number in %s', (text) => {
    expect(findPhones(text)).toEqual([])
  })
})

describe('days written in numbers read as Chinese dates', () => {
  const cases: [string, string][] = [
    ['2026-12-06 停水', '2026年12月6日 停水'],
    ['截至2026/1/5。', '截至2026年1月5日。'],
    ['2026.12.06起施行', '2026年12月6日起施行'],
    ['2024-02-29', '2024年2月29日'],
    // Not a day: kept as written.
    ['2026-02-30', '2026-02-30'],
    ['2026-13-01', '2026-13-01'],
    ['2026-12-06T08:00', '2026-12-06T08:00'],
    ['12026-12-06', '12026-12-06'],
    ['v1.2026.12.06', 'v1.2026.12.06'],
    ['/2026/12/06/', '/2026/12/06/'],
    ['1850-01-01', '1850-01-01'],
    ['2026-12', '2026-12'],
    ['12-06', '12-06'],
  ]
  it.each(cases)('%s → %s', (text, expected) => {
    expect(chineseDatesIn(text)).toBe(expected)
  })

  it('spells a day as the page dates are spelt (one formatter)', () => {
    expect(chineseDatesIn('2026-09-01')).toBe(formatDate('2026-09-01T04:00:00.000Z'))
  })
})

describe('readable HTML: numbers to call as links, dates in Chinese, tags untouched', () => {
  it('links a number in text and spells a date', () => {
    expect(linkPhonesAndDates('<p>2026-12-06 停水，请拨打 138 0013 8000。</p>')).toBe(
      '<p>2026年12月6日 停水，请拨打 <a href="tel:13800138000">138 0013 8000</a>。</p>',
    )
  })

  it('leaves attributes, links, code and URLs in text alone', () => {
    const untouched = [
      '<a href="https://example.org/13800138000">13800138000</a>',
      '<a href="/x">电话 0571-8888 1234</a>',
      '<img src="/api/media/file/13800138000.jpg" alt="13800138000">',
      '<time datetime="2026-12-06">今天</time>',
      '<code>2026-12-06 13800138000</code>',
      '<p>详见 https://example.org/2026-12-06/13800138000 页面</p>',
      '<p>www.example.org/a?tel=13800138000</p>',
      '<p>&#39;13800138000x</p>',
    ]
    for (const html of untouched) expect(linkPhonesAndDates(html), html).toBe(html)
  })

  it('keeps working after a link closes, across line breaks', () => {
    expect(linkPhonesAndDates('<p><a href="/a">13800138000</a> 或 13900139000<br>2026/12/6</p>')).toBe(
      '<p><a href="/a">13800138000</a> 或 <a href="tel:13900139000">13900139000</a><br>2026年12月6日</p>',
    )
  })
})

describe('share-card and feed summaries of rich text', () => {
  it('keep Chinese text unbroken and never show a link address', () => {
    const cases: [unknown, string][] = [
      [doc(p('社区食堂开张，请点击', link('https://example.org/canteen', '这里'), '查看。')), '社区食堂开张，请点击这里查看。'],
      [doc(p('社区 食堂 开张')), '社区食堂开张'],
      [doc(p('第一段。'), p('第二段！'), p('第三段')), '第一段。第二段！第三段'],
      // After a heading, one space: no full stop to end it.
      [doc(h(2, '早上'), p('巡格。')), '早上 巡格。'],
      // Spaces beside Latin letters and digits stay.
      [doc(p('8:00 至 17:00 停水')), '8:00 至 17:00 停水'],
      [doc(p('Open day'), p('Come along.')), 'Open day Come along.'],
    ]
    for (const [value, expected] of cases) expect(plainSummary(value, 120)).toBe(expected)
    expect(plainSummary(doc(p('停'.repeat(200))), 120)).toHaveLength(120)
  })
})
