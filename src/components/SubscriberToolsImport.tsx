'use client'

import { type FormEvent, useState } from 'react'

import { type Lang, t } from '../i18n/messages'

/**
 * The import form of /admin/subscriber-tools: posts the file to
 * POST /api/subscribers/import with the admin's session (same origin) and
 * shows the answer: the check's report (every bad row by line, column and
 * reason), then, for an import, the progress lines as they arrive (NDJSON)
 * and the outcome.
 */
type Row = { line: number; field?: string; email?: string; reason: string }
type Report = { summary: string; problems: Row[]; skipped: Row[] }
type State = {
  busy: boolean
  error: string | null
  report: Report | null
  progress: string[]
  outcome: { ok: boolean; message: string } | null
}

const START: State = { busy: false, error: null, report: null, progress: [], outcome: null }

export function SubscriberImportForm({ action, list, lang, maxBytes }: { action: string; list: string; lang: Lang; maxBytes: number }) {
  const [state, setState] = useState<State>(START)

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault()
    const form = new FormData(e.currentTarget)
    const file = form.get('file')
    if (file instanceof File && file.size > maxBytes) {
      setState({ ...START, error: t('import.error.tooLarge', lang, { mb: maxBytes / 1024 / 1024 }) })
      return
    }
    setState({ ...START, busy: true })
    let next: State = { ...START, busy: true }
    const show = (patch: Partial<State>) => setState((next = { ...next, ...patch }))
    try {
      const res = await fetch(action, { method: 'POST', body: form, credentials: 'same-origin' })
      if (/ndjson/.test(res.headers.get('content-type') ?? '') && res.body) {
        // The import: one JSON object a line, shown as each arrives.
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (value) buffer += value
          let nl: number
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = JSON.parse(buffer.slice(0, nl)) as { report?: Report; progress?: unknown; done?: unknown; failed?: unknown; message?: string }
            buffer = buffer.slice(nl + 1)
            if (line.report) show({ report: line.report })
            else if (line.progress) show({ progress: [...next.progress, line.message ?? ''] })
            else if (line.done || line.failed) show({ outcome: { ok: Boolean(line.done), message: line.message ?? '' } })
          }
          if (done) break
        }
        show({ busy: false })
        return
      }
      const body = (await res.json().catch(() => null)) as (Report & { message?: string }) | null
      if (body && typeof body.summary === 'string') show({ busy: false, report: body })
      else show({ busy: false, error: body?.message ?? t('tools.error.upload', lang, { message: String(res.status) }) })
    } catch (err) {
      show({ busy: false, error: t('tools.error.upload', lang, { message: (err as Error).message }) })
    }
  }

  const bad = Boolean(state.report?.problems.length)
  return (
    <>
      <form className="rs-picker" id="import-form" onSubmit={submit} encType="multipart/form-data">
        <label htmlFor="import-file">{t('tools.import.file', lang)}</label>
        <input type="file" name="file" id="import-file" accept=".csv,text/csv" required />
        <label htmlFor="import-encoding">{t('tools.import.encoding', lang)}</label>
        <select name="encoding" id="import-encoding" defaultValue="auto">
          <option value="auto">{t('tools.import.encoding.auto', lang)}</option>
          <option value="utf-8">UTF-8</option>
          <option value="gbk">GBK</option>
        </select>
        <fieldset>
          <legend>{t('tools.import.mode', lang)}</legend>
          <label>
            <input type="radio" name="mode" value="dry-run" defaultChecked /> {t('tools.import.mode.dryRun', lang)}
          </label>{' '}
          <label>
            <input type="radio" name="mode" value="import" /> {t('tools.import.mode.import', lang)}
          </label>
        </fieldset>
        <button type="submit" id="import-submit" disabled={state.busy}>
          {t('tools.import.submit', lang)}
        </button>
      </form>
      <div id="import-result" aria-live="polite">
        {state.busy && !state.report ? <p>{t('tools.import.checking', lang)}</p> : null}
        {state.error ? (
          <p className="rs-error" role="alert" id="import-error">
            {state.error}
          </p>
        ) : null}
        {state.report ? (
          <>
            <p className={bad ? 'rs-error' : undefined} role="status" id="import-summary">
              {state.report.summary}
            </p>
            <Rows id="import-problems" title={t('tools.import.problems', lang, { n: state.report.problems.length })} rows={state.report.problems} second={t('tools.import.field', lang)} lang={lang} />
            <Rows id="import-skipped" title={t('tools.import.skipped', lang, { n: state.report.skipped.length })} rows={state.report.skipped} second={t('field.email', lang)} lang={lang} />
          </>
        ) : null}
        {state.progress.map((p, i) => (
          <p className="import-progress" key={i}>
            {p}
          </p>
        ))}
        {state.outcome ? (
          <p className={state.outcome.ok ? undefined : 'rs-error'} id={state.outcome.ok ? 'import-done' : 'import-failed'}>
            {state.outcome.message} <a href={list}>{t('tools.import.toList', lang)}</a>
          </p>
        ) : null}
      </div>
    </>
  )
}

function Rows({ id, title, rows, second, lang }: { id: string; title: string; rows: Row[]; second: string; lang: Lang }) {
  if (!rows.length) return null
  return (
    <div className="rs-table-wrap">
      <table className="rs-table" id={id}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t('tools.import.line', lang)}</th>
            <th scope="col">{second}</th>
            <th scope="col">{t('tools.import.reason', lang)}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td className="n">{r.line}</td>
              <td>{r.field ?? r.email}</td>
              <td>{r.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
