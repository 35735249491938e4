import { getTranslation } from '@payloadcms/translations'
import { zh as payloadZh } from '@payloadcms/translations/languages/zh'
import { ValidationError, type Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { t } from '../../src/i18n/messages'
import { body, PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * Bad input gets a clear error: a ValidationError (HTTP 400) naming the field,
 * in Chinese, ours from the catalogue and Payload's own through its zh
 * translations, and nothing stored.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let editorToken: string
const editor = () => ({ ...street.editor, collection: 'users' }) as never
const admin = () => ({ ...street.admin, collection: 'users' }) as never

/** Payload's own Chinese message for a key of its `validation` group. */
const payloadMsg = (key: keyof typeof payloadZh.translations.validation, vars: Record<string, unknown> = {}) =>
  Object.entries(vars).reduce((m, [k, v]) => m.replaceAll(`{{${k}}}`, String(v)), payloadZh.translations.validation[key] as string)

async function refusal(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err, 'the call was expected to fail validation').toBeInstanceOf(ValidationError)
  expect((err as ValidationError).status).toBe(400)
  // The summary is Payload's, in Chinese too.
  expect((err as ValidationError).message).toMatch(/^(下面|以下)的?字段是无效的/)
  const errors = (err as ValidationError).data.errors as { path: string; message: string; label?: unknown }[]
  return errors.map(({ path, message }) => ({ path, message }))
}

/** A non-existent id of the right shape for this database. */
const missingId = (): Id => (typeof street.gridA1.id === 'number' ? 987_654 : '0123456789abcdef01234567')

const event = (extra: Record<string, unknown> = {}) => ({
  title: '社区运动会',
  startsAt: '2026-12-05T01:00:00.000Z',
  location: '街道体育场',
  wholeStreet: true,
  _status: 'published' as const,
  ...extra,
})

const count = async (collection: string, where: Record<string, unknown>) =>
  (await payload.count({ collection: collection as never, where: where as never, overrideAccess: true })).totalDocs

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  editorToken = await tokenFor(payload, street.editor.email, PASSWORD)
})

describe('validation errors name the field, in Chinese', () => {
  it('missing title (Payload’s required message)', async () => {
    const errors = await refusal(
      payload.create({ collection: 'events', data: event({ title: undefined }), overrideAccess: false, user: editor() }),
    )
    expect(errors).toContainEqual({ path: 'title', message: payloadMsg('required') })
    expect(payloadMsg('required')).toBe('该字段为必填项目。')
  })

  it('overlong title (Payload’s maxLength message)', async () => {
    const errors = await refusal(
      payload.create({ collection: 'events', data: event({ title: '长'.repeat(121) }), overrideAccess: false, user: editor() }),
    )
    expect(errors).toEqual([{ path: 'title', message: payloadMsg('shorterThanMax', { maxLength: 120, label: '标题', value: '长'.repeat(121) }) }])
    expect(await count('events', { title: { equals: '长'.repeat(121) } })).toBe(0)
  })

  it('event that ends before it starts', async () => {
    const errors = await refusal(
      payload.create({
        collection: 'events',
        data: event({ title: '结束早于开始', endsAt: '2026-12-05T00:00:00.000Z' }),
        overrideAccess: false,
        user: editor(),
      }),
    )
    expect(errors).toEqual([{ path: 'endsAt', message: t('error.endBeforeStart') }])
    expect(errors[0].message).toBe('结束时间不能早于开始时间。')
    expect(await count('events', { title: { equals: '结束早于开始' } })).toBe(0)
  })

  it('event for no grid and not for the whole street', async () => {
    const errors = await refusal(
      payload.create({ collection: 'events', data: event({ title: '没有范围', wholeStreet: false, grids: [] }), overrideAccess: false, user: editor() }),
    )
    expect(errors).toEqual([{ path: 'grids', message: t('error.gridsRequired') }])
  })

  it('event for a grid that does not exist', async () => {
    const id = missingId()
    const errors = await refusal(
      payload.create({
        collection: 'events',
        data: event({ title: '不存在的网格活动', wholeStreet: false, grids: [street.gridA1.id, id] }),
        overrideAccess: false,
        user: editor(),
      }),
    )
    expect(errors).toEqual([{ path: 'grids', message: t('error.unknownRelation', 'zh', { label: '网格', id: String(id) }) }])
    expect(await count('events', { title: { equals: '不存在的网格活动' } })).toBe(0)
  })

  it('announcement for a grid that does not exist, published or as a draft, and a malformed id', async () => {
    for (const [grid, draft] of [
      [missingId(), false],
      [missingId(), true],
      ['not-an-id', false],
    ] as const) {
      const errors = await refusal(
        payload.create({
          collection: 'announcements',
          data: { title: '不存在的网格公告', grids: [grid], body: body('x'), _status: draft ? 'draft' : 'published' },
          draft,
          overrideAccess: false,
          user: editor(),
        }),
      )
      expect(errors, `${grid} ${draft}`).toEqual([{ path: 'grids', message: t('error.unknownRelation', 'zh', { label: '网格', id: String(grid) }) }])
    }
    expect(await count('announcements', { title: { equals: '不存在的网格公告' } })).toBe(0)
  })

  it('grid households out of range, or not a whole number', async () => {
    for (const households of [0, -5, 100_001, 12.5]) {
      const errors = await refusal(
        payload.create({
          collection: 'grids',
          data: { code: `X-${String(households)}`, name: '测试网格', community: street.commA.id, households },
          overrideAccess: false,
          user: admin(),
        }),
      )
      expect(errors, String(households)).toEqual([{ path: 'households', message: t('error.householdsRange') }])
    }
    expect(await count('grids', { name: { equals: '测试网格' } })).toBe(0)
  })

  it('duplicate grid code (Payload’s unique message)', async () => {
    const errors = await refusal(
      payload.create({
        collection: 'grids',
        data: { code: 'A-01', name: '重复编码', community: street.commA.id, households: 300 },
        overrideAccess: false,
        user: admin(),
      }),
    )
    expect(errors).toEqual([{ path: 'code', message: getTranslation(payloadZh.translations.error.valueMustBeUnique, {} as never) }])
    expect(await count('grids', { code: { equals: 'A-01' } })).toBe(1)
  })

  it('policy source link that is not http(s)', async () => {
    for (const sourceUrl of ['javascript:alert(1)', 'ftp://files.example/doc.pdf', 'www.gov.cn/doc']) {
      const errors = await refusal(
        payload.create({
          collection: 'policies',
          data: { title: '政策', issuingBody: '区政府', summary: '解读', body: body('x'), sourceUrl, _status: 'published' },
          overrideAccess: false,
          user: editor(),
        }),
      )
      expect(errors, sourceUrl).toEqual([{ path: 'sourceUrl', message: t('error.invalidUrl') }])
    }
    // And a correct one is accepted.
    const ok = await payload.create({
      collection: 'policies',
      data: { title: '政策', issuingBody: '区政府', summary: '解读', body: body('x'), sourceUrl: 'https://www.gov.cn/zhengce/x.html', _status: 'published' },
      overrideAccess: false,
      user: editor(),
    })
    expect(ok._status).toBe('published')
  })

  it('staff bindings: community staff without a community, a grid leader without grids', async () => {
    const user = (role: 'community-staff' | 'grid-leader') =>
      payload.create({
        collection: 'users',
        data: { email: `${role}-x@test.local`, password: PASSWORD, name: 'x', role },
        overrideAccess: false,
        user: admin(),
      })
    expect(await refusal(user('community-staff'))).toEqual([{ path: 'community', message: t('error.communityRequired') }])
    expect(await refusal(user('grid-leader'))).toEqual([{ path: 'grids', message: t('error.gridLeaderGrids') }])
  })
})

describe('through REST', () => {
  it('a 400 with the Chinese summary and the field’s Chinese message', async () => {
    const r = await rest('POST', 'events', { token: editorToken, body: event({ title: '接口', endsAt: '2026-12-04T00:00:00.000Z' }) })
    expect(r.status).toBe(400)
    expect(r.body.errors[0].name).toBe('ValidationError')
    expect(r.body.errors[0].message).toMatch(/字段是无效的/)
    // The field named by its path and by its Chinese label.
    expect(r.body.errors[0].data.errors).toEqual([{ path: 'endsAt', message: t('error.endBeforeStart'), label: '结束时间' }])
  })

  it('in English when the request asks for English', async () => {
    const r = await rest('POST', 'events', {
      token: editorToken,
      lang: 'en',
      body: event({ title: 'English', endsAt: '2026-12-04T00:00:00.000Z' }),
    })
    expect(r.status).toBe(400)
    expect(r.body.errors[0].data.errors[0]).toMatchObject({ path: 'endsAt', message: t('error.endBeforeStart', 'en') })
  })

  it('bad input never becomes a 5xx', async () => {
    const attempts = [
      rest('POST', 'announcements', { token: editorToken, body: { title: 'x', grids: [missingId()], body: body('x') } }),
      rest('POST', 'announcements', { token: editorToken, body: { title: 'x', grids: ['abc'], body: body('x'), _status: 'published' } }),
      rest('POST', 'events', { token: editorToken, body: event({ startsAt: 'not a date' }) }),
      rest('POST', 'events', { token: editorToken, body: event({ wholeStreet: false, grids: [missingId()] }) }),
      tokenFor(payload, street.admin.email, PASSWORD).then((token) =>
        rest('POST', 'grids', { token, body: { code: 'Z', name: 'z', community: missingId(), households: 1 } }),
      ),
    ]
    const statuses = (await Promise.all(attempts)).map((r) => r.status)
    expect(statuses.every((s) => s >= 400 && s < 500), String(statuses)).toBe(true)
  })
})
