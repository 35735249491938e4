import { ValidationError, type Payload } from 'payload'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { contentFingerprint } from '../../src/hooks/contentLifecycle'
import { t } from '../../src/i18n/messages'
import { body, PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * Review (审核): grid-scoped staff submit, editors approve or send back with a
 * comment, and a grid leader publishes only what an editor approved, exactly
 * as approved, unless the site lets grid leaders publish directly.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>

type Doc = { id: Id; title: string; _status: string; review: { status: string; comment?: string | null; reviewedBy?: unknown; approvedHash?: string | null } }
const asUser = (u: { id: Id }) => ({ ...u, collection: 'users' }) as never

const update = (id: Id, by: { id: Id }, data: Record<string, unknown>, draft = false) =>
  payload.update({ collection: 'announcements', id, data, draft, overrideAccess: false, user: asUser(by) }) as unknown as Promise<Doc>

const main = async (id: Id) => (await payload.findByID({ collection: 'announcements', id, overrideAccess: true, depth: 0 })) as unknown as Doc
const latest = async (id: Id) =>
  (await payload.findByID({ collection: 'announcements', id, draft: true, overrideAccess: true, depth: 0 })) as unknown as Doc

/** The validation error a call fails with: its field paths and messages. */
async function refusal(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err, 'the call was expected to fail').toBeInstanceOf(ValidationError)
  return (err as ValidationError).data.errors as { path: string; message: string }[]
}

const draftBy = async (by: { id: Id }, grids: Id[] = [street.gridA1.id], title = '周六上午停水通知') =>
  (await payload.create({
    collection: 'announcements',
    data: { title, grids, body: body('因管道检修，周六 8:00-12:00 停水。') },
    overrideAccess: false,
    user: asUser(by),
  })) as unknown as Doc

const setDirectPublish = (allow: boolean) =>
  payload.updateGlobal({ slug: 'site-settings', data: { allowGridLeaderDirectPublish: allow }, overrideAccess: true })

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
})
beforeEach(() => setDirectPublish(false))

describe('review flow for a grid leader’s announcement', () => {
  it('goes submit → (no self-approval, no early publish) → sent back with a comment → approved → published', async () => {
    const { leaderA, editor } = street
    const a = await draftBy(leaderA)
    expect(a.review.status).toBe('none')

    expect((await update(a.id, leaderA, { review: { status: 'pending' } })).review.status).toBe('pending')

    const selfApproval = await refusal(update(a.id, leaderA, { review: { status: 'approved' } }))
    expect(selfApproval).toEqual([{ path: 'review.status', label: '审核状态', message: t('review.error.notYourStep', 'zh', { step: '初审' }) }])
    expect(selfApproval[0].message).toBe('您不是当前审核步骤“初审”的审核人。')
    expect((await latest(a.id)).review.status).toBe('pending')

    const early = await refusal(update(a.id, leaderA, { _status: 'published' }))
    expect(early).toEqual([{ path: 'review.status', label: '审核状态', message: t('review.error.needsApproval', 'zh') }])
    expect(early[0].message).toMatch(/审核/)
    expect((await main(a.id))._status).toBe('draft')

    const bare = await refusal(update(a.id, editor, { review: { status: 'returned' } }))
    expect(bare).toEqual([{ path: 'review.comment', label: '审核意见', message: t('error.returnNeedsComment', 'zh') }])
    const blank = await refusal(update(a.id, editor, { review: { status: 'returned', comment: '   ' } }))
    expect(blank[0].path).toBe('review.comment')
    expect((await latest(a.id)).review.status).toBe('pending')

    const returned = await update(a.id, editor, { review: { status: 'returned', comment: '请写明停水的具体楼栋。' } })
    expect(returned.review.status).toBe('returned')
    expect(returned.review.comment).toBe('请写明停水的具体楼栋。')
    expect(String((returned.review.reviewedBy as { id?: Id })?.id ?? returned.review.reviewedBy)).toBe(String(editor.id))

    await update(a.id, leaderA, { body: body('周六 8:00-12:00,3 号楼、5 号楼停水。'), review: { status: 'pending' } })
    const approved = await update(a.id, editor, { review: { status: 'approved' } })
    expect(approved.review.status).toBe('approved')

    const published = await update(a.id, leaderA, { _status: 'published' })
    expect(published._status).toBe('published')
    expect((await main(a.id))._status).toBe('published')
  })

  it('an approved announcement can be published by sending the whole document back, as the admin form does', async () => {
    const a = await draftBy(street.leaderA)
    await update(a.id, street.leaderA, { review: { status: 'pending' } })
    await update(a.id, street.editor, { review: { status: 'approved' } })
    const token = await tokenFor(payload, street.leaderA.email, PASSWORD)
    const got = await rest('GET', `announcements/${a.id}?draft=true&depth=0`, { token })
    expect(got.status).toBe(200)
    const r = await rest('PATCH', `announcements/${a.id}?depth=0`, { token, body: { ...got.body, _status: 'published' } })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect((await main(a.id))._status).toBe('published')
  })

  it('editing after approval voids the approval, so it cannot be published until approved again', async () => {
    const { leaderA, editor } = street
    const a = await draftBy(leaderA)
    await update(a.id, leaderA, { review: { status: 'pending' } })
    await update(a.id, editor, { review: { status: 'approved' } })

    // An edit sent with the publication itself is refused too.
    await refusal(update(a.id, leaderA, { title: '顺手改个标题', _status: 'published' }))
    expect((await main(a.id))._status).toBe('draft')

    const edited = await update(a.id, leaderA, { title: '周六全天停水通知' }, true)
    expect(edited.review.status).toBe('none')
    const refused = await refusal(update(a.id, leaderA, { _status: 'published' }))
    expect(refused[0].message).toBe(t('review.error.needsApproval', 'zh'))
    expect((await main(a.id))._status).toBe('draft')
  })

  it('an approval cannot be kept by sending a matching fingerprint or reviewer along with an edit', async () => {
    const { leaderA, editor } = street
    const a = await draftBy(leaderA)
    await update(a.id, leaderA, { review: { status: 'pending' } })
    await update(a.id, editor, { review: { status: 'approved' } })

    const stored = await latest(a.id)
    const change = { title: '改过但冒充已审核' }
    const forged = contentFingerprint({ ...stored, ...change } as never)
    const after = await update(a.id, leaderA, { ...change, review: { status: 'approved', approvedHash: forged, reviewedBy: editor.id } }, true)
    expect(after.review.status).toBe('none')
    await refusal(update(a.id, leaderA, { _status: 'published' }))
    expect((await main(a.id))._status).toBe('draft')
  })

  it('an editor’s own edit keeps the approval', async () => {
    const a = await draftBy(street.leaderA)
    await update(a.id, street.leaderA, { review: { status: 'pending' } })
    await update(a.id, street.editor, { review: { status: 'approved' } })
    const edited = await update(a.id, street.editor, { title: '编辑润色后的标题' }, true)
    expect(edited.review.status).toBe('approved')
    expect((await update(a.id, street.leaderA, { _status: 'published' }))._status).toBe('published')
  })

  it('refuses approval or publication smuggled into the creation', async () => {
    const make = (data: Record<string, unknown>) =>
      payload.create({
        collection: 'announcements',
        data: { title: '一步到位', grids: [street.gridA1.id], body: body('x'), ...data },
        overrideAccess: false,
        user: asUser(street.leaderA),
      })
    expect((await refusal(make({ review: { status: 'approved' } })))[0].path).toBe('review.status')
    expect((await refusal(make({ _status: 'published' })))[0].message).toBe(t('review.error.needsApproval', 'zh'))
    const { totalDocs } = await payload.count({ collection: 'announcements', where: { title: { equals: '一步到位' } }, overrideAccess: true })
    expect(totalDocs).toBe(0)
  })

  it('with the site setting allowGridLeaderDirectPublish, the leader publishes directly', async () => {
    await setDirectPublish(true)
    const a = await draftBy(street.leaderA)
    expect((await update(a.id, street.leaderA, { _status: 'published' }))._status).toBe('published')
    const direct = (await payload.create({
      collection: 'announcements',
      data: { title: '直接发布', grids: [street.gridA1.id], body: body('x'), _status: 'published' },
      overrideAccess: false,
      user: asUser(street.leaderA),
    })) as unknown as Doc
    expect(direct._status).toBe('published')
    // The setting does not let them approve.
    const b = await draftBy(street.leaderA)
    await refusal(update(b.id, street.leaderA, { review: { status: 'approved' } }))
  })

  it('editors publish without review', async () => {
    const a = await draftBy(street.editor)
    expect((await update(a.id, street.editor, { _status: 'published' }))._status).toBe('published')
  })
})

describe('community staff review like grid leaders, for their community’s grids', () => {
  it('submits, cannot approve or publish unapproved, publishes once approved', async () => {
    const { staffA, editor } = street
    const a = await draftBy(staffA, [street.gridA2.id], '甲二网格垃圾分类宣传')
    await update(a.id, staffA, { review: { status: 'pending' } })
    await refusal(update(a.id, staffA, { review: { status: 'approved' } }))
    expect((await refusal(update(a.id, staffA, { _status: 'published' })))[0].message).toBe(t('review.error.needsApproval', 'zh'))
    await update(a.id, editor, { review: { status: 'approved' } })
    expect((await update(a.id, staffA, { _status: 'published' }))._status).toBe('published')
  })

  it('cannot send back another leader’s submission', async () => {
    const a = await draftBy(street.leaderA)
    await update(a.id, street.leaderA, { review: { status: 'pending' } })
    const r = await refusal(update(a.id, street.staffA, { review: { status: 'returned', comment: '不行' } }))
    expect(r[0]).toEqual({ path: 'review.status', label: '审核状态', message: t('review.error.notYourStep', 'zh', { step: '初审' }) })
  })
})

describe('through REST the refusal is a 400 in Chinese that names the field', () => {
  it('publishing before approval', async () => {
    const a = await draftBy(street.leaderA)
    const token = await tokenFor(payload, street.leaderA.email, PASSWORD)
    const r = await rest('PATCH', `announcements/${a.id}`, { token, body: { _status: 'published' } })
    expect(r.status).toBe(400)
    const [error] = r.body.errors
    expect(error.message).toMatch(/^(以下字段是无效的|下面的字段是无效的)[：:]\s*审核状态$/)
    expect(error.data.errors).toEqual([{ path: 'review.status', label: '审核状态', message: t('review.error.needsApproval', 'zh') }])
  })
})
