/**
 * `npm run bench -- checks [--quick]`: the pre-publish checks (src/checks) on
 * one periodical issue of 8 articles and about 20,000 characters of body text
 * (headings, lists, a table, links, images, formatted runs), generated from a
 * fixed seed, with planted findings of every kind (wrong official names,
 * wrong characters, doubled characters and punctuation, a 公示 table of names
 * with ID and phone numbers, a card number, an image without alt text).
 * Pure functions: no database, no network.
 *
 * Baseline in the same run: the two dictionaries (official names and wrong
 * characters) looked up the obvious way, one RegExp per listed word over each
 * field, against the Map-by-first-character scan the checks use.
 * Target: runChecks in at most 200 ms (median of the runs), so the checks can
 * run on every save. Also checked: every planted finding is found.
 * Ends with one line of JSON; exits 1 when a target is missed.
 */
import { OFFICIAL_NAMES } from '../../src/checks/lists/officialNames'
import { TYPO_PAIRS } from '../../src/checks/lists/typos'
import { officialNamesDictionary } from '../../src/checks/detect/officialNames'
import { TYPOS } from '../../src/checks/detect/typos'
import { extractUnits } from '../../src/checks/extract'
import { runChecks } from '../../src/checks/index'
import { bold, doc, h, image, link, list, p, quote, table } from '../../src/seed/lexical'

const quick = process.argv.includes('--quick')
const RUNS = quick ? 9 : 31
const ARTICLES = 8
const TARGET_CHARS = 20_000
const TARGET_MAX_CHECKS_MS = 200

const out = (line: string) => process.stdout.write(`${line}\n`)

/** Deterministic pseudo-random numbers, so every run checks the same issue. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}
const random = rng(20261127)
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]

// Sentences of the kind a street's periodical carries (written for this benchmark).
const SENTENCES = [
  '本月起，街道在各社区推行“网格员每日巡查”制度，重点查看楼道堆物、消防通道和电动车充电情况。',
  '网格长每天上午走访责任网格，记录居民反映的问题，能当场解决的当场解决，不能解决的当天上报社区。',
  '楼栋长在本楼微信群里转发通知，并把行动不便的老人家中情况告诉网格长，确保消息一户不落。',
  '社区服务站延长了周末开放时间，居民可以就近办理居住证明、养老保险认证和医保缴费等事项。',
  '为做好冬季防火工作，社区组织志愿者逐户发放安全用电宣传单，并检查老旧线路和燃气软管。',
  '邻里节当天设有义诊、理发、家电维修等便民摊位，欢迎居民带着家人一起参加。',
  '街道联合供水公司对部分老旧小区的管网进行改造，施工期间请居民提前储水，注意出行安全。',
  '垃圾分类督导员每天早晚在投放点值守，指导居民把厨余垃圾和其他垃圾分开投放。',
  '社区卫生服务中心为六十五岁以上老人提供免费体检，请携带身份证和医保卡到服务中心登记。',
  '今年以来，街道共受理居民诉求四百余件，办结率保持在百分之九十八以上。',
  '党员志愿服务队每周二上门看望独居老人，帮助他们买菜、打扫卫生、陪伴聊天。',
  '小区业主委员会换届选举工作已经启动，请符合条件的业主按时参加投票。',
  '社区图书室新到一批少儿读物和健康养生类图书，开放时间为每天上午九点至下午五点。',
  '针对居民反映的停车难问题，街道协调辖区单位在夜间开放部分停车位，供周边居民使用。',
  '网格员在巡查中发现一处楼道顶棚渗水，已联系物业公司维修，目前渗水问题已经解决。',
  '街道举办就业招聘会，二十余家企业现场提供保安、保洁、电工、收银等岗位。',
  '防汛期间，请居民关注天气预报，不要在河道边逗留，发现险情及时拨打值班电话。',
  '社区与辖区学校联合开展暑期托管服务，帮助双职工家庭解决孩子暑期无人照看的问题。',
  '为方便老年人就医，社区开通了预约挂号代办服务，老人可以到服务站请工作人员帮忙预约。',
  '街道开展“文明楼栋”评选活动，评选结果将在各社区公示栏和订阅号上公布。',
  '社区心理咨询室每周四下午开放，由专业心理咨询师为有需要的居民提供免费咨询。',
  '居民反映小区路灯损坏，网格长当天上报，第二天维修人员就完成了更换。',
  '街道组织消防演练，社区工作人员和居民代表一起学习灭火器的使用方法和疏散要点。',
  '订阅号每周推送一期内容，居民也可以在网站上按网格订阅，收到本网格的通知。',
  '社区食堂为辖区老年人提供午餐，八十岁以上老人和低保家庭老人可以享受优惠。',
  '今年春节前，街道走访慰问困难群众和退役军人家庭，送去米、油和慰问金。',
  '网格里的事网格里办，居民有困难可以先找网格长，网格长解决不了的再由社区协调。',
  '街道对辖区内的流动摊点进行了规范，划定了临时摆放区域，既方便群众又保持了街面整洁。',
  '社区组织青少年参加“小小网格员”体验活动，让孩子们了解网格长的日常工作。',
  '为了了解居民对社区服务的意见，街道开展了满意度调查，共收回问卷一千二百余份。',
] as const
const HEADINGS = ['网格动态', '便民服务', '安全提示', '邻里故事', '政策解读', '志愿风采', '社区活动', '办事指南']

const NAMES = ['张建国', '李秀英', '王海燕', '刘志强', '陈玉兰', '杨春梅', '黄国庆', '赵明辉']
const IDS = ['350402198506120036', '350102199001011238', '440304197811305672', '11010519491231002X']
const PHONES = ['13812345678', '13905981234', '15059861234', '18650981234']

type Planted = Record<string, number>
const planted: Planted = {}
const plant = (kind: string, n = 1) => (planted[kind] = (planted[kind] ?? 0) + n)

function paragraph(chars: number): string {
  let text = ''
  while (text.length < chars) text += pick(SENTENCES)
  return text
}

/** One article of about `size` characters, with one planted finding of each kind it carries. */
function article(i: number, size: number) {
  const blocks: Record<string, unknown>[] = []
  let length = 0
  const add = (node: Record<string, unknown>, chars: number) => {
    blocks.push(node)
    length += chars
  }
  add(h(3, HEADINGS[i % HEADINGS.length]), 4)
  // Planted: a wrong character, a doubled character, doubled punctuation, a wrong official name.
  const typo = TYPO_PAIRS[(i * 37) % TYPO_PAIRS.length][0]
  add(p(`${paragraph(60)}其中提到${typo}的问题，已经整改。`), 80)
  plant('typo')
  add(p(`${paragraph(50)}这是居民的的心声，，大家都很关心。`), 70)
  plant('doubled-char')
  plant('doubled-punct')
  const wrongName = ['国务办公厅', '中华人民共合国', '人民检查院', '徐璧街道'][i % 4]
  add(p(`据${wrongName}通知，`, bold(paragraph(30)), paragraph(40)), 80)
  plant('official-name')
  if (i % 2 === 0) {
    // A 公示 table: names with ID and phone numbers, unmasked.
    const rows = [['姓名', '身份证号', '联系电话']]
    for (let r = 0; r < 2; r++) rows.push([NAMES[(i + r) % NAMES.length], IDS[(i + r) % IDS.length], PHONES[(i + r) % PHONES.length]])
    add(table(rows), 80)
    plant('personal-name', 2)
    plant('id-number', 2)
    plant('mobile', 2)
  }
  if (i === 3) {
    add(p('补助发放至银行卡号 6222 0212 3456 7890 128，请注意查收。'), 36)
    plant('bank-card')
  }
  if (i === 5) {
    add(image(99), 0)
    plant('image-alt')
  }
  add(image(100 + i), 0)
  add(list('bullet', [paragraph(40), paragraph(40), paragraph(40)]), 120)
  add(quote(paragraph(50)), 50)
  add(p('详见', link(`https://street.example/issues/${i + 1}`, '往期报道'), '，或拨打服务热线 0598-8955018。'), 30)
  while (length < size) {
    const text = paragraph(150 + Math.floor(random() * 150))
    add(p(text), text.length)
  }
  return { title: `${HEADINGS[i % HEADINGS.length]}：第 ${i + 1} 篇`, author: '街道宣传办', summary: paragraph(60), body: doc(...blocks) }
}

const issue = {
  title: '聚焦徐碧 · 冬季特刊',
  summary: '本期聚焦网格里的冬季安全、便民服务和邻里故事。',
  articles: Array.from({ length: ARTICLES }, (_, i) => article(i, Math.round(TARGET_CHARS / ARTICLES) - 260)),
}
const settings = {
  hotline: '0598-8955018',
  publicUrl: 'https://street.example',
  // Image 99 has no alt text; the others have one.
  media: (id: string | number) => ({ alt: Number(id) === 99 ? '' : '街道活动照片' }),
}
const options = { collection: 'issues', settings }

const units = extractUnits(issue, 'issues', settings)
const chars = units.reduce((n, u) => n + u.text.length, 0)

/** Median and worst of RUNS timed runs, after three untimed ones. */
function timed(task: () => unknown): { medianMs: number; maxMs: number } {
  for (let i = 0; i < 3; i++) task()
  const ms: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    task()
    ms.push(performance.now() - start)
  }
  ms.sort((a, b) => a - b)
  const round = (n: number) => Math.round(n * 100) / 100
  return { medianMs: round(ms[Math.floor(RUNS / 2)]), maxMs: round(ms[RUNS - 1]) }
}

// The baseline: one RegExp per listed word, as a first version would do it.
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const naiveWords = [...TYPO_PAIRS.map(([wrong]) => wrong), ...OFFICIAL_NAMES.flatMap((n) => n.wrong)]
const naiveRegexes = naiveWords.map((w) => new RegExp(escape(w), 'g'))
let naiveHits = 0
const naive = () => {
  naiveHits = 0
  for (const u of units) for (const re of naiveRegexes) for (const _ of u.text.matchAll(re)) naiveHits++
}
let dictHits = 0
const officials = officialNamesDictionary()
const dictionaries = () => {
  dictHits = 0
  for (const u of units) {
    TYPOS.scan(u.text, () => dictHits++)
    officials.scan(u.text, () => dictHits++)
  }
}

out(`checks benchmark${quick ? ' (quick)' : ''}: one issue, ${ARTICLES} articles, ${chars} characters of text in ${units.length} fields; ${RUNS} runs`)
const findings = runChecks(issue, options)
const byKind: Record<string, number> = {}
for (const f of findings) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1
out(`findings: ${JSON.stringify(byKind)}; planted: ${JSON.stringify(planted)}`)

const checks = timed(() => runChecks(issue, options))
const base = timed(naive)
const dict = timed(dictionaries)
out(`runChecks: median ${checks.medianMs} ms, worst ${checks.maxMs} ms`)
out(`dictionaries alone: Map scan ${dict.medianMs} ms (${dictHits} hits) vs one RegExp per word ${base.medianMs} ms (${naiveWords.length} words, ${naiveHits} hits)`)

const missed: string[] = []
if (chars < TARGET_CHARS) missed.push(`the issue has ${chars} characters, fewer than ${TARGET_CHARS}`)
for (const [kind, n] of Object.entries(planted)) if ((byKind[kind] ?? 0) < n) missed.push(`${kind}: found ${byKind[kind] ?? 0} of ${n} planted`)
if (dictHits !== naiveHits) missed.push(`the dictionary scan found ${dictHits}, the regexes ${naiveHits}`)
if (checks.medianMs > TARGET_MAX_CHECKS_MS) missed.push(`checks_ms ${checks.medianMs} > ${TARGET_MAX_CHECKS_MS}`)
out(missed.length ? `MISSED: ${missed.join('; ')}` : 'all targets met')
out(
  JSON.stringify({
    bench: 'checks',
    checks_ms: checks.medianMs,
    checks_max_ms: checks.maxMs,
    target_max_checks_ms: TARGET_MAX_CHECKS_MS,
    dictionary_scan_ms: dict.medianMs,
    dictionary_regex_baseline_ms: base.medianMs,
    dictionary_words: naiveWords.length,
    chars,
    fields: units.length,
    articles: ARTICLES,
    findings: findings.length,
    planted: Object.values(planted).reduce((a, b) => a + b, 0),
    runs: RUNS,
    quick,
  }),
)
process.exit(missed.length ? 1 : 0)
