import type { Page, Request, Response } from 'playwright-core'
import sharp from 'sharp'

/** A small real image made at test time (no binary fixtures in the repository). */
export async function testImage(label: string, colour = '#2a6fb0'): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="270">
    <rect width="100%" height="100%" fill="${colour}"/>
    <text x="24" y="150" font-size="36" fill="#fff" font-family="Noto Sans CJK SC, sans-serif">${label}</text></svg>`
  return sharp(Buffer.from(svg)).png().toBuffer()
}

/**
 * Click a save/publish button and wait for the API call it makes, so the test
 * continues on the server's answer rather than on a guessed delay.
 */
export async function submit(page: Page, button: string, collection: string): Promise<Response> {
  // Not the sidebar's pre-publish checks (POST /api/<collection>/checks), which run on their own.
  const answered = page.waitForResponse(
    (r) => {
      const path = new URL(r.url()).pathname
      return path.startsWith(`/api/${collection}`) && !path.endsWith('/checks') && ['POST', 'PATCH'].includes(r.request().method())
    },
    { timeout: 60_000 },
  )
  // If the click fails, that error is the one to report, not this wait's timeout.
  answered.catch(() => {})
  await page.locator(button).click()
  // 发布 opens the publish dialog (who receives it; a correction's notice) first: confirm it as it stands.
  if (button === '#action-save') await page.locator('.publish-dialog__confirm').click()
  return answered
}

/**
 * Watch the admin form's server round trips (Payload's form-state server
 * function) for one collection. `settled()` resolves once none is in flight
 * and none has started for a debounce and a little (Payload sends the form's
 * state 250 ms after the last change). Adding an array row while an earlier
 * round trip is still out can lose the row: the older answer is merged over
 * it and the row never renders (seen 1 run in 9 under load). An editor's own
 * pace gives the round trip time; a test waits for it.
 */
export function formStateTracker(page: Page, collection: string) {
  const QUIET_MS = 400
  const inFlight = new Set<unknown>()
  let lastActivity = Date.now()
  const isFormState = (r: Request) => Boolean(r.headers()['next-action']) && /"form-state"/.test(r.postData() ?? '') && (r.postData() ?? '').includes(`"collectionSlug":"${collection}"`)
  page.on('request', (r) => {
    if (!isFormState(r)) return
    inFlight.add(r)
    lastActivity = Date.now()
  })
  const finished = (r: Request) => {
    if (!inFlight.delete(r)) return
    lastActivity = Date.now()
  }
  page.on('requestfinished', finished)
  page.on('requestfailed', finished)
  return {
    async settled(timeoutMs = 20_000): Promise<void> {
      const deadline = Date.now() + timeoutMs
      while (inFlight.size > 0 || Date.now() - lastActivity < QUIET_MS) {
        if (Date.now() > deadline) throw new Error(`the ${collection} form's state requests did not settle in ${timeoutMs} ms`)
        await page.waitForTimeout(50)
      }
    },
  }
}

/** Choose an option of a Payload select or relationship field (react-select, inside `field`) by its visible text. */
export async function choose(page: Page, field: string, option: string): Promise<void> {
  await page.locator(`${field} .rs__control`).click()
  await page.locator('.rs__option', { hasText: option }).first().click()
  await page.locator('.rs__menu').waitFor({ state: 'detached' })
}

/** The options a select or relationship field offers, as shown. */
export async function optionsOf(page: Page, field: string): Promise<string[]> {
  await page.locator(`${field} .rs__control`).click()
  await page.locator('.rs__option').first().waitFor()
  const texts = await page.locator('.rs__option').allInnerTexts()
  await page.keyboard.press('Escape')
  return texts.map((s) => s.trim())
}

/** Focus a Lexical rich-text field by its data path (e.g. `articles.0.body`) for typing. */
export async function focusRichText(page: Page, path: string): Promise<void> {
  await page.locator(`[data-field-path="${path}"] [data-lexical-editor="true"]`).click()
}

/**
 * Type into the focused Lexical field and wait until the form holds the text.
 * Lexical hands its state to the form in a requestIdleCallback (500 ms
 * time-out), so a save clicked at once can go out without it: seen in CI
 * under load, a draft saved with an empty body. The form's own state request
 * is no signal (Payload may merge an earlier answer and never send one for
 * the text). An idle callback queued after the typing runs only once
 * Lexical's has; a second one runs after the render its update scheduled.
 */
export async function typeRichText(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text)
  for (let i = 0; i < 2; i++) await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => resolve())))
}

/** Drop the toasts shown so far, so the next one waited for is the next one shown. */
export async function dismissToasts(page: Page): Promise<void> {
  for (const close of await page.locator('.payload-toast-close-button').all()) await close.click().catch(() => {})
  await page.locator('.payload-toast-item').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => {})
}

/** The document status shown in the edit view's header (草稿 / 已发布 ...). */
export async function docStatus(page: Page): Promise<string> {
  return (await page.locator('.doc-controls__status .status__value').innerText()).trim()
}

/**
 * Call the REST API from inside the page, as the admin itself does: Payload
 * accepts its session cookie only from the browser (same-origin requests), so
 * a request from outside the page would be anonymous and prove nothing.
 */
export async function api(
  page: Page,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: any }> {
  return page.evaluate(
    async ({ path, method, body }) => {
      const res = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: res.status, body: await res.json().catch(() => null) }
    },
    { path, method: init.method ?? 'GET', body: init.body },
  )
}

/**
 * Leave a document's edit view and wait until Payload has released this
 * user's lock on it. Closing a browser context straight after a save can leave
 * the lock behind (a form-state request still in flight renews it), and the
 * next user then meets Payload's "document locked" dialog instead of the form.
 */
export async function leaveDocument(page: Page, collection: string, id: string | number): Promise<void> {
  await page.goto('/admin')
  const me = (await api(page, '/api/users/me')).body?.user?.id
  if (me === undefined) throw new Error('leaveDocument: nobody is logged in on this page')
  const query = `/api/payload-locked-documents?depth=0&where[document.relationTo][equals]=${collection}&where[document.value][equals]=${id}&where[user.value][equals]=${me}`
  const deadline = Date.now() + 30_000
  for (;;) {
    const { body } = await api(page, query)
    if (body?.totalDocs === 0) return
    if (Date.now() > deadline) throw new Error(`the lock on ${collection} ${id} was not released within 30 s of leaving it`)
    await page.waitForTimeout(250)
  }
}
