'use client'

import { useCallback, useEffect, useState } from 'react'

import type { PlanItem, PlanView } from '../delivery/wechat/plan'
import { type Lang, t } from '../i18n/messages'
import { formatDateTime } from '../templates/format'
import { box, callApi, PanelButton, row, serverMessage, small } from './DeliveriesPanelShared'

/** The planner's page: today's slot, the queue with its days (up, down, remove), and what can be added. */
export function WechatPlanClient({ api, admin, lang }: { api: string; admin: string; lang: Lang }) {
  const [plan, setPlan] = useState<PlanView | null>(null)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)

  const load = useCallback(async () => {
    const r = await callApi(api)
    if (r.status === 200) setPlan(r.body as PlanView)
    else setMessage({ ok: false, text: t('previews.plan.failed', lang, { detail: serverMessage(r.body, String(r.status)) }) })
  }, [api, lang])

  useEffect(() => {
    void load()
  }, [load])

  const savePlan = async (queue: string[]) => {
    setBusy(true)
    setMessage(null)
    try {
      const r = await callApi(api, { method: 'POST', body: { queue } })
      if (r.status === 200) {
        setPlan(r.body as PlanView)
        setMessage({ ok: true, text: t('previews.plan.saved', lang) })
      } else setMessage({ ok: false, text: t('previews.plan.failed', lang, { detail: serverMessage(r.body, String(r.status)) }) })
    } catch (err) {
      setMessage({ ok: false, text: t('previews.plan.failed', lang, { detail: (err as Error).message }) })
    } finally {
      setBusy(false)
    }
  }

  if (!plan) return <p style={small}>{message?.text ?? t('previews.plan.loading', lang)}</p>
  return <PlanPage plan={plan} busy={busy} admin={admin} lang={lang} message={message} save={(queue) => void savePlan(queue)} />
}

type PlanPageProps = { plan: PlanView; busy: boolean; admin: string; lang: Lang; message: { ok: boolean; text: string } | null; save: (queue: string[]) => void }

/** The page for a plan as read: no state of its own, every change through `save` (the whole queue, in order). */
export function PlanPage({ plan, busy, admin, lang, message, save }: PlanPageProps) {
  const ids = plan.items.map((i) => i.delivery)
  const move = (from: number, to: number) => {
    const next = [...ids]
    const [x] = next.splice(from, 1)
    next.splice(to, 0, x)
    save(next)
  }
  const open = (i: Pick<PlanItem, 'contentType' | 'contentId'>) => `${admin}/collections/${i.contentType}/${i.contentId}#deliveries-panel`
  const first = plan.items[0]
  return (
    <div className="wechat-plan" id="wechat-plan">
      <p className="rs-intro">{t('previews.plan.intro', lang)}</p>
      <section style={box} id="wechat-plan-today">
        <h2 style={{ margin: '0 0 6px', fontSize: 18 }}>{t('previews.plan.today', lang, { day: plan.today })}</h2>
        <p style={{ margin: 0 }}>
          {plan.sentToday
            ? t('previews.plan.todaySent', lang, { title: plan.sentToday.title, at: formatDateTime(plan.sentToday.at) })
            : first && first.day === plan.today
              ? t('previews.plan.todayPlanned', lang, { title: first.title })
              : t('previews.plan.todayFree', lang)}
        </p>
      </section>
      <section style={box} id="wechat-plan-queue">
        <h2 style={{ margin: '0 0 6px', fontSize: 18 }}>{t('previews.plan.queue', lang)}</h2>
        {plan.items.length ? (
          <ol style={{ margin: 0, paddingLeft: 20 }}>
            {plan.items.map((item, i) => (
              <li key={item.delivery} className="wechat-plan__item" data-delivery={item.delivery} data-day={item.day} style={{ marginBottom: 10 }}>
                <strong>{t('previews.plan.itemDay', lang, { day: item.day })}</strong> {t('previews.plan.itemTitle', lang, { title: item.title })}
                {item.grids ? <span style={small}>{t('previews.plan.grids', lang, { count: item.grids })}</span> : null}
                <div style={row}>
                  <PanelButton className="wechat-plan__up" disabled={busy || i === 0} onClick={() => move(i, i - 1)}>
                    {t('previews.plan.up', lang)}
                  </PanelButton>
                  <PanelButton className="wechat-plan__down" disabled={busy || i === plan.items.length - 1} onClick={() => move(i, i + 1)}>
                    {t('previews.plan.down', lang)}
                  </PanelButton>
                  <PanelButton className="wechat-plan__remove" disabled={busy} onClick={() => save(ids.filter((x) => x !== item.delivery))}>
                    {t('previews.plan.remove', lang)}
                  </PanelButton>
                  <a href={open(item)}>{t('previews.plan.open', lang)}</a>
                </div>
              </li>
            ))}
          </ol>
        ) : (
          <p style={small}>{t('previews.plan.empty', lang)}</p>
        )}
      </section>
      <section style={box} id="wechat-plan-candidates">
        <h2 style={{ margin: '0 0 6px', fontSize: 18 }}>{t('previews.plan.candidates', lang)}</h2>
        {plan.candidates.length ? (
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {plan.candidates.map((c) => (
              <li key={c.delivery} className="wechat-plan__candidate" data-delivery={c.delivery} style={{ marginBottom: 8 }}>
                {t('previews.plan.itemTitle', lang, { title: c.title })}
                {c.grids ? <span style={small}>{t('previews.plan.grids', lang, { count: c.grids })}</span> : null}{' '}
                <PanelButton className="wechat-plan__add" disabled={busy} onClick={() => save([...ids, c.delivery])}>
                  {t('previews.plan.add', lang)}
                </PanelButton>
              </li>
            ))}
          </ul>
        ) : (
          <p style={small}>{t('previews.plan.noCandidates', lang)}</p>
        )}
      </section>
      {message ? (
        <p role={message.ok ? 'status' : 'alert'} style={{ color: message.ok ? 'var(--theme-success-700)' : 'var(--theme-error-500)' }}>
          {message.text}
        </p>
      ) : null}
    </div>
  )
}
