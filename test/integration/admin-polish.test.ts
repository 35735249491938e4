import '../support/admin-ui'

import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * The admin's own face (issue 14): the street's name and logo from site
 * settings instead of Payload's, the tab title, the edit-lock dialog naming
 * its holder for staff who may not read accounts, and the API tab for admins
 * only. The browser side is test/e2e/admin-brand.e2e.ts.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
const LOCKS = 'payload-locked-documents'

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
})

async function render(name: 'AdminLogo' | 'AdminIcon' | 'NavBrand') {
  const { renderToStaticMarkup } = await import('react-dom/server')
  const brand = await import('../../src/components/AdminBrand')
  const element = await brand[name]({ payload, i18n: { language: 'zh' } } as never)
  return renderToStaticMarkup(element)
}

describe('branding from site settings', () => {
  it('shows the street’s name with the site icon, then its own logo once one is set; never Payload’s', async () => {
    await payload.updateGlobal({ slug: 'site-settings', data: { streetName: '徐碧街道' }, overrideAccess: true })
    const login = await render('AdminLogo')
    expect(login).toContain('徐碧街道')
    expect(login).toContain('管理后台')
    expect(login).toContain('src="/icons/icon.svg"')
    expect(login.toLowerCase()).not.toContain('payload')
    expect(await render('NavBrand')).toContain('徐碧街道')
    expect(await render('AdminIcon')).toContain('alt="徐碧街道"')

    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
    const logo = await payload.create({
      collection: 'media',
      data: { alt: '徐碧街道徽标' },
      file: { data: png, mimetype: 'image/png', name: 'street-logo.png', size: png.length },
      overrideAccess: true,
    })
    await payload.updateGlobal({ slug: 'site-settings', data: { streetName: '东霞街道', logo: logo.id }, overrideAccess: true })
    for (const name of ['AdminLogo', 'AdminIcon', 'NavBrand'] as const) {
      const html = await render(name)
      expect(html, name).toMatch(/src="\/api\/media\/file\/street-logo[^"]*\.png"/)
      expect(html, name).toContain('东霞街道')
    }
  })

  it('replaces Payload’s graphics, title and favicon in the admin config', async () => {
    const config = payload.config
    expect(config.admin.components.graphics).toEqual({ Logo: '/components/AdminBrand#AdminLogo', Icon: '/components/AdminBrand#AdminIcon' })
    expect(config.admin.components.beforeNavLinks).toContain('/components/AdminBrand#NavBrand')
    // Payload's login and dashboard metadata spread admin.meta over their own title and join the suffix
    // with a space (utilities/meta.js); with icons set it adds no favicon of its own, and with the share
    // image off no generated "Payload" card.
    const meta = config.admin.meta as Record<string, unknown>
    expect(`${meta.title} ${meta.titleSuffix}`).toBe('街道资讯 · 管理')
    expect(JSON.stringify(meta.icons)).toContain('/icons/icon.svg')
    expect(meta.defaultOGImageType).toBe('off')
    expect(JSON.stringify(meta).toLowerCase()).not.toContain('payload')
  })
})

describe('the edit-lock dialog', () => {
  let lockId: Id
  beforeAll(async () => {
    const ann = await payload.create({
      collection: 'announcements',
      data: { title: '锁定测试', grids: [street.gridA1.id], body: { root: { type: 'root', children: [], direction: null, format: '', indent: 0, version: 1 } } } as never,
      overrideAccess: true,
      draft: true,
    })
    const lock = await payload.create({
      collection: LOCKS as never,
      data: { document: { relationTo: 'announcements', value: ann.id }, user: { relationTo: 'users', value: street.admin.id } } as never,
      overrideAccess: true,
    })
    lockId = (lock as { id: Id }).id
  })

  it('names the holder to an editor, who may not read staff accounts, by name only', async () => {
    const editor = await tokenFor(payload, 'editor@test.local', PASSWORD)
    // The account itself stays closed to the editor.
    expect((await rest('GET', `users/${street.admin.id}`, { token: editor })).status).toBe(403)
    const read = await rest('GET', `${LOCKS}/${lockId}?depth=1`, { token: editor })
    expect(read.status).toBe(200)
    expect(read.body.user.value).toEqual({ id: street.admin.id, name: 'admin' })
    // As the admin's own lock lookup reads it (Local API, the user's access, depth 1).
    const { docs } = await payload.find({ collection: LOCKS as never, depth: 1, overrideAccess: false, user: { ...street.editor, collection: 'users' } as never })
    expect((docs[0] as unknown as { user: { value: unknown } }).user.value).toEqual({ id: street.admin.id, name: 'admin' })
    // Depth 0 keeps the plain id; the admin gets the account as before.
    expect((await rest('GET', `${LOCKS}/${lockId}?depth=0`, { token: editor })).body.user.value).toBe(street.admin.id)
    const admin = await tokenFor(payload, 'admin@test.local', PASSWORD)
    expect((await rest('GET', `${LOCKS}/${lockId}?depth=1`, { token: admin })).body.user.value).toMatchObject({ id: street.admin.id, email: 'admin@test.local' })
  })

  it('says who and since when in Chinese (the dialog’s own lines are in US English)', async () => {
    const { holderName, lockTime } = await import('../../src/components/LockNotice')
    expect(holderName({ id: 1, name: '陈静' })).toBe('陈静')
    expect(holderName(3)).toBeNull()
    const at = new Date('2026-12-06T11:49:00Z').getTime()
    expect(lockTime(at, 'zh')).toMatch(/^2026年12月6日\s*19:49$/)
    expect(lockTime(at, 'en')).toContain('2026')
    const { t } = await import('../../src/i18n/messages')
    expect(t('lock.editing', 'zh', { name: '陈静' })).toMatch(/^陈静 正在编辑此文档/)
  })
})

describe('the API tab', () => {
  it('shows for admins only, on every collection and global', async () => {
    const entities = [...payload.config.collections, ...payload.config.globals]
    expect(entities.length).toBeGreaterThan(10)
    for (const e of entities) {
      const tab = (e.admin.components as { views?: { edit?: { api?: { tab?: { condition?: (a: unknown) => boolean } } } } })?.views?.edit?.api?.tab
      const condition = tab?.condition
      expect(condition, e.slug).toBeTypeOf('function')
      for (const role of ['editor', 'grid-leader', 'community-staff']) expect(condition!({ req: { user: { role } } }), `${e.slug} ${role}`).toBe(false)
      expect(condition!({ req: { user: { role: 'admin' } } }), e.slug).toBe(e.admin.hideAPIURL !== true)
    }
  })
})

describe('image alt text', () => {
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
  const upload = (name: string, alt?: string) => {
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), name)
    form.append('_payload', JSON.stringify(alt === undefined ? {} : { alt }))
    return form
  }

  it('is required for every image, over REST and the Local API, and blanks are not an answer', async () => {
    const editor = await tokenFor(payload, 'editor@test.local', PASSWORD)
    for (const alt of [undefined, '', '   ']) {
      const res = await rest('POST', 'media', { token: editor, form: upload(`no-alt-${String(alt?.length)}.png`, alt) })
      expect(res.status, String(alt)).toBe(400)
      expect(JSON.stringify(res.body)).toContain('请填写图片说明')
    }
    await expect(
      payload.create({ collection: 'media', data: {} as never, file: { data: png, mimetype: 'image/png', name: 'local-no-alt.png', size: png.length }, overrideAccess: true }),
    ).rejects.toThrow()
    expect((await rest('POST', 'media', { token: editor, form: upload('with-alt.png', '居民在社区广场参加义诊') })).status).toBe(201)
  })

  it('has its label tied to the text input, in drawers too', async () => {
    const field = payload.collections.media.config.fields.find((f) => 'name' in f && f.name === 'alt') as { admin?: { components?: { Label?: unknown } } }
    expect(field.admin?.components?.Label).toBe('/components/LinkedLabel#RequiredLinkedLabel')
    const { inputIdOf } = await import('../../src/components/LinkedLabel')
    // Payload's text input: id `field-<path with dots as __>`, at any edit depth (fields/Text/Input.js).
    expect(inputIdOf('alt')).toBe('field-alt')
    expect(inputIdOf('group.alt')).toBe('field-group__alt')
  })
})
