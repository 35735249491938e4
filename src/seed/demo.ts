import type { Payload } from 'payload'
import sharp from 'sharp'

import { DEMO_CONTENT } from '../hooks/deliveries'
import { env } from '../server/env'
import { bold, doc, h, image, link, list, p, quote, table } from './lexical'
import { seedDemoHistory } from './history'
import { seedDemoRelayConfirmations, withDemoHeadLink } from './relay'
import { demoStreet } from './street'
import type { Id } from '../model/ids'

/**
 * Demo data for the embedded database: a street shaped like Xubi Street
 * (5 communities, 34 grids of 300–500 households, building heads in every
 * building), its staff and one of each content type. Every entry is looked
 * up by its natural key first, so running it twice adds nothing.
 */
export const DEMO_LOGINS = [
  { email: 'admin@demo.street', password: 'demo-admin-2026', name: '林晓峰', role: 'admin' },
  { email: 'editor@demo.street', password: 'demo-editor-2026', name: '陈静', role: 'editor' },
  { email: 'leader1@demo.street', password: 'demo-leader-2026', name: '黄建华', role: 'grid-leader' },
  { email: 'leader2@demo.street', password: 'demo-leader-2026', name: '郑丽萍', role: 'grid-leader' },
  // Community staff of 徐碧社区 (its 7 grids).
  { email: 'staff@demo.street', password: 'demo-staff-2026', name: '吴秀兰', role: 'community-staff' },
] as const

async function ensure<T extends { id: Id }>(
  payload: Payload,
  collection: string,
  where: Record<string, unknown>,
  create: () => Promise<T>,
): Promise<T> {
  const found = await payload.find({
    collection: collection as never,
    where: where as never,
    limit: 1,
    depth: 0,
    draft: true,
    overrideAccess: true,
  })
  return (found.docs[0] as unknown as T) ?? create()
}

async function demoImage(payload: Payload, name: string, title: string, colour: string) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675">
    <rect width="100%" height="100%" fill="${colour}"/>
    <circle cx="980" cy="140" r="90" fill="#ffffff" opacity="0.25"/>
    <rect x="0" y="520" width="1200" height="155" fill="#000000" opacity="0.18"/>
    <text x="80" y="610" font-size="64" fill="#ffffff" font-family="Noto Sans CJK SC, sans-serif">${title}</text>
  </svg>`
  const data = await sharp(Buffer.from(svg)).jpeg({ quality: 82 }).toBuffer()
  return ensure(payload, 'media', { filename: { equals: `${name}.jpg` } }, () =>
    payload.create({
      collection: 'media',
      data: { alt: title },
      file: { data, mimetype: 'image/jpeg', name: `${name}.jpg`, size: data.length },
      overrideAccess: true,
    }) as never,
  )
}

/**
 * `history`: also three months of readership (src/seed/history.ts), as a
 * first start does (src/server/main.ts); tests that count the demo's
 * contents leave it out.
 */
export async function seedDemo(payload: Payload, opts: { history?: boolean } = {}) {
  const log = payload.logger.child({ component: 'seed' })
  log.info('loading demo data (embedded database only)')

  await payload.updateGlobal({
    slug: 'site-settings',
    data: {
      streetName: '徐碧街道',
      periodicalName: '聚焦徐碧',
      hotline: '0598-8955018',
      wechatName: '聚焦徐碧',
      footerText: '徐碧街道办事处 主办 · 有事找网格长，服务热线 8955018',
      icp: '闽ICP备00000000号-1（演示）',
      psb: '闽公网安备 00000000000000号（演示）',
      allowGridLeaderDirectPublish: false,
      sensitiveWords: '赌博\n代开发票\n办证',
    },
    overrideAccess: true,
  })

  // 5 communities, 34 grids, 277 buildings with their codes and heads (src/seed/street.ts).
  const street = demoStreet()
  const grids: { id: Id; code: string; households: number }[] = []
  const communities: Id[] = []
  for (const c of street) {
    const community = await ensure(payload, 'communities', { code: { equals: c.code } }, () =>
      payload.create({ collection: 'communities', data: { code: c.code, name: c.name }, overrideAccess: true }) as never,
    )
    communities.push(community.id)
    for (const g of c.grids) {
      const grid = await ensure(payload, 'grids', { code: { equals: g.code } }, () =>
        payload.create({
          collection: 'grids',
          data: { code: g.code, name: g.name, community: community.id, households: g.households, buildings: g.buildings.map((b) => withDemoHeadLink(b)) },
          overrideAccess: true,
        }) as never,
      )
      grids.push({ id: grid.id, code: g.code, households: g.households })
    }
  }

  const users: Record<string, { id: Id }> = {}
  for (const [i, u] of DEMO_LOGINS.entries()) {
    users[u.email] = await ensure(payload, 'users', { email: { equals: u.email } }, () =>
      payload.create({
        collection: 'users',
        data: {
          email: u.email,
          password: u.password,
          name: u.name,
          role: u.role,
          ...(u.role === 'grid-leader' ? { grids: [grids[i - 2].id] } : {}),
          ...(u.role === 'community-staff' ? { community: communities[0] } : {}),
        },
        overrideAccess: true,
      }) as never,
    )
  }

  const cover = await demoImage(payload, 'demo-cover-issue', '聚焦徐碧 · 网格里的家', '#b3261e')
  const photo = await demoImage(payload, 'demo-photo-volunteers', '邻里节志愿服务队', '#1f6f5c')
  // A day `d` days from today at a round hour (in the street's time zone, TZ).
  const days = (d: number, hour = 9) => {
    const at = new Date(Date.now() + d * 86400_000)
    at.setHours(hour, 0, 0, 0)
    return at.toISOString()
  }

  const issueDoc = await ensure<{ id: Id; publishedAt?: string | null }>(payload, 'issues', { title: { equals: '网格里的家：人在格中巡，事在网中办' } }, () =>
    payload.create({
      collection: 'issues',
      data: {
        title: '网格里的家：人在格中巡，事在网中办',
        summary: '本期聚焦 34 个网格的日常：网格长怎样走楼串户，楼栋长微信群怎样把问题当天办结，以及订阅号上线一个月的新变化。',
        cover: cover.id,
        publishedAt: days(-2),
        _status: 'published',
        articles: [
          {
            title: '34 名网格长的一天',
            author: '街道宣传办',
            summary: '从早上七点的巡格到晚上的楼栋长碰头会。',
            body: doc(
              p('全街道 5 个社区按 300 至 500 户划成 34 个网格，每个网格由一名社区工作人员担任网格长。'),
              h(3, '早上：巡格'),
              p('网格长带着台账走一遍责任网格，', bold('看设施、问困难、记需求'), '，发现问题当场登记。'),
              image(photo.id),
              h(3, '晚上：碰头会'),
              list('bullet', ['楼栋长通报本楼情况', '网格长汇总当天工单', '需要协调的事项报社区']),
              quote('有事找网格长，已经成了居民的习惯。'),
            ),
          },
          {
            title: '楼栋长微信群：问题不过夜',
            author: '陈静',
            body: doc(
              p('街道 6 位街长、9 位巷长和 277 位楼栋长已陆续加入街道公共微信群。'),
              table([
                ['事项', '数量'],
                ['受理居民反映', '41 件'],
                ['网格长上传照片', '131 张'],
                ['办结率', '100%'],
              ]),
              p('急事请拨打便民热线 8955018，值班人员会分类转办。'),
            ),
          },
          {
            title: '订阅号上线一个月',
            author: '编辑部',
            body: doc(
              p('《聚焦徐碧》订阅号于 6 月 27 日上线，一个月出刊 6 期，关注人数已超过 500 人。'),
              p('想第一时间收到新一期？', link('https://example.org/subscribe', '在网站上订阅'), '。'),
            ),
          },
        ],
      },
      overrideAccess: true,
      // Demo content is never sent, whatever channels are configured (src/hooks/deliveries.ts).
      context: { [DEMO_CONTENT]: true },
    }) as never,
  )

  const eventDoc = await ensure<{ id: Id; publishedAt?: string | null }>(payload, 'events', { title: { equals: '“我们的节日”邻里节' } }, () =>
    payload.create({
      collection: 'events',
      data: {
        title: '“我们的节日”邻里节',
        summary: '百家宴、义诊、旧物交换，欢迎全街道居民参加。',
        startsAt: days(9),
        endsAt: days(9, 12),
        location: '徐碧社区文化广场',
        organiser: '徐碧街道办事处、徐碧社区居委会',
        wholeStreet: true,
        signup: '向所在网格的网格长报名，或拨打 0598-8955018。',
        body: doc(p('活动当天设有义诊、理发、家电维修等便民摊位，请自带购物袋参加旧物交换。')),
        _status: 'published',
      },
      overrideAccess: true,
      // Demo content is never sent, whatever channels are configured (src/hooks/deliveries.ts).
      context: { [DEMO_CONTENT]: true },
    }) as never,
  )

  // The document the explainer explains (政策文件), linked both ways: its page lists the explainer.
  const explainedDocument = await ensure(payload, 'policy-documents', { documentNumber: { equals: '明医保〔2026〕12号（演示）' } }, () =>
    payload.create({
      collection: 'policy-documents',
      data: {
        title: '关于做好 2027 年度城乡居民基本医疗保险参保缴费工作的通知',
        issuingBody: '三明市医疗保障局',
        documentNumber: '明医保〔2026〕12号（演示）',
        issuedDate: days(-40),
        officialUrl: 'https://example.org/policy/2026-12',
      },
      overrideAccess: true,
    }) as never,
  )

  const policyDoc = await ensure<{ id: Id; publishedAt?: string | null }>(payload, 'policies', { title: { equals: '城乡居民基本医疗保险参保缴费指南' } }, () =>
    payload.create({
      collection: 'policies',
      data: {
        title: '城乡居民基本医疗保险参保缴费指南',
        // Issuing body, number and source come from the document (src/documents/cite.ts).
        document: explainedDocument.id,
        effectiveDate: days(-30),
        summary: '2027 年度城乡居民医保集中缴费期为 9 月至 12 月。已参保居民按年缴费即可续保；新生儿、刚迁入的居民可随时办理。',
        body: doc(
          h(3, '谁要缴'),
          p('未参加职工医保的本市户籍居民，以及持居住证的常住人口。'),
          h(3, '怎么缴'),
          list('number', ['微信或支付宝搜索“闽政通”', '选择“医保缴费”', '核对信息后支付']),
        ),
        qa: [
          { question: '错过集中缴费期怎么办？', answer: '可在次年补缴，但会有 3 个月等待期，等待期内的医疗费用不予报销。' },
          { question: '老人不会用手机怎么缴？', answer: '请联系所在网格的网格长，或到社区服务站现场代办。' },
        ],
        _status: 'published',
      },
      overrideAccess: true,
      // Demo content is never sent, whatever channels are configured (src/hooks/deliveries.ts).
      context: { [DEMO_CONTENT]: true },
    }) as never,
  )

  const announcementDoc = await ensure<{ id: Id; publishedAt?: string | null }>(payload, 'announcements', { title: { equals: '12 月 3 日碧湖小区停水通知' } }, () =>
    payload.create({
      collection: 'announcements',
      data: {
        title: '12 月 3 日碧湖小区停水通知',
        summary: '因管网改造，12 月 3 日 8:00–17:00 碧湖小区 1–6 号楼停水，请提前储水。',
        grids: [grids[0].id],
        urgent: true,
        body: doc(p('因供水管网改造，12 月 3 日 8:00 至 17:00，碧湖小区 1 至 6 号楼暂停供水。请各位居民提前储水，关好水龙头。')),
        _status: 'published',
        review: { status: 'none' },
      },
      overrideAccess: true,
      // Demo content is never sent, whatever channels are configured (src/hooks/deliveries.ts).
      context: { [DEMO_CONTENT]: true },
    }) as never,
  )

  if (opts.history) {
    const recent = (type: string, d: { id: Id; publishedAt?: string | null }, on = grids) => ({ type, id: d.id, publishedAt: new Date(d.publishedAt ?? Date.now()), grids: on })
    await seedDemoHistory(payload, grids, [
      recent('issues', issueDoc),
      recent('events', eventDoc),
      recent('policies', policyDoc),
      recent('announcements', announcementDoc, [grids[0]]),
    ])
  }

  // Every demo building has its head's link (withDemoHeadLink above); a month of their confirmations with the history (src/seed/relay.ts).
  // SQLite only, as the history: MongoDB is production and gets no demo figures.
  if (opts.history && (payload.db as { name?: string }).name === 'sqlite') await seedDemoRelayConfirmations(payload)

  log.info({ communities: street.length, grids: grids.length, logins: DEMO_LOGINS.map((u) => u.email) }, 'demo data ready')
}

/**
 * A production database gets no demo accounts: its first admin comes from
 * Payload's create-first-user screen, or from ADMIN_EMAIL and ADMIN_PASSWORD.
 */
export async function createFirstAdminFromEnv(payload: Payload) {
  const { email, password, name } = env.firstAdmin
  if (!email || !password) return
  const { totalDocs } = await payload.count({ collection: 'users', overrideAccess: true })
  if (totalDocs > 0) return
  await payload.create({
    collection: 'users',
    data: { email, password, name, role: 'admin' },
    overrideAccess: true,
  })
  payload.logger.info({ email }, 'first admin created from the environment')
}
