import { ValidationError, type Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { checkText } from '../../src/checks'
import { contentCheckSettings } from '../../src/content/checks'
import { body, PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * 公开联系电话 (issue 16): a mobile number an editor marks as this content's
 * public contact is not personal information to the pre-publish checks, in
 * the checks endpoint (the form as it is) and in the publish gate; an
 * unmarked mobile still blocks; a line that is not a number is refused with
 * the field named; marking one number exempts only that number.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let editorToken: string

// Real-looking mobiles (not the 138 0000 0000 placeholder the checks let pass).
const ORGANISER = '139 1234 5678'
const OTHER = '13687654321'
const text = (numbers: string) => `活动报名请联系组织方，电话${numbers}。`
const event = (extra: Record<string, unknown>) => ({
  title: '重阳节游园会',
  startsAt: new Date(Date.now() + 86_400_000).toISOString(),
  location: '社区活动室',
  wholeStreet: true,
  body: body(text(ORGANISER)),
  ...extra,
})

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  editorToken = await tokenFor(payload, street.editor.email, PASSWORD)
})

const publish = (data: Record<string, unknown>) =>
  payload.create({ collection: 'events', data: { ...event(data), _status: 'published' } as never, user: street.editor as never, overrideAccess: false })

describe('public contact numbers', () => {
  it('an unmarked mobile number blocks publishing as personal information', async () => {
    const err = await publish({}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ValidationError)
    expect(JSON.stringify((err as ValidationError).data.errors)).toContain('手机号码')
  })

  it('the checks endpoint stops flagging the number once the form marks it, whatever its spacing', async () => {
    const before = await rest('POST', 'events/checks', { token: editorToken, body: { data: event({}) } })
    expect(before.status).toBe(200)
    expect(before.body.findings.map((f: { kind: string }) => f.kind)).toContain('mobile')
    const marked = await rest('POST', 'events/checks', { token: editorToken, body: { data: event({ publicContacts: '13912345678' }) } })
    expect(marked.body.findings.map((f: { kind: string }) => f.kind)).not.toContain('mobile')
    expect(marked.body.serious).toBe(0)
  })

  it('publishes with the number marked, and marking one number leaves another flagged', async () => {
    const ok = (await publish({ publicContacts: ORGANISER })) as { id: Id; _status: string }
    expect(ok._status).toBe('published')
    const err = await publish({ publicContacts: ORGANISER, body: body(text(`${ORGANISER}，或${OTHER}`)) }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ValidationError)
  })

  it('the settings for one content carry its marked numbers, for text checked apart from its fields (the WeChat text)', async () => {
    const wechatLike = `重阳节游园会\n报名：${text(`${ORGANISER}，或${OTHER}`)}`
    const mobiles = async (doc: Record<string, unknown>) =>
      checkText(wechatLike, 'wechat.0', { collection: 'events', settings: await contentCheckSettings(payload, doc), now: new Date() })
        .filter((f) => f.kind === 'mobile')
        .map((f) => f.match.replace(/\s/g, ''))
    expect(await mobiles(event({}))).toEqual(['13912345678', OTHER])
    expect(await mobiles(event({ publicContacts: ORGANISER }))).toEqual([OTHER])
  })

  it('refuses a line that is not a telephone number, naming the field', async () => {
    const r = await rest('POST', 'events', { token: editorToken, body: { ...event({ publicContacts: `${ORGANISER}\n<script>x</script>` }), _status: 'published' } })
    expect(r.status).toBe(400)
    const errors = r.body.errors[0].data.errors as { path: string; message: string }[]
    expect(errors).toEqual([expect.objectContaining({ path: 'publicContacts' })])
    expect(errors[0].message).toContain('不是电话号码')
  })
})
