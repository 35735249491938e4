'use client'

import { DefaultCell, FieldLabel, useAuth, useField, useFormFields, useTranslation } from '@payloadcms/ui'
import type { DefaultCellComponentProps, TextFieldClientComponent } from 'payload'

import { reasonFor } from '../i18n/deliveryReason'
import { type Lang, t } from '../i18n/messages'

/**
 * A delivery's reason (说明) in the deliveries list and on a delivery's page,
 * as the viewer may read it: only an admin reads the names of the server's
 * settings; an editor reads whom to ask (src/i18n/deliveryReason.ts).
 */
const langOf = (language: string | undefined): Lang => (language === 'en' ? 'en' : 'zh')

export function DeliveryReasonCell(props: DefaultCellComponentProps) {
  const { i18n } = useTranslation()
  const { user } = useAuth()
  const admin = (user as { role?: string } | null)?.role === 'admin'
  const channel = String((props.rowData as { channel?: string } | undefined)?.channel ?? '')
  const text = reasonFor(typeof props.cellData === 'string' ? props.cellData : null, channel, admin, langOf(i18n.language)) ?? ''
  return <DefaultCell {...props} cellData={text as never} />
}

export const DeliveryReasonField: TextFieldClientComponent = ({ path }) => {
  const { i18n } = useTranslation()
  const { user } = useAuth()
  const { value } = useField<string | null>({ path: path ?? 'reason' })
  const channel = useFormFields(([fields]) => fields.channel?.value)
  const lang = langOf(i18n.language)
  const admin = (user as { role?: string } | null)?.role === 'admin'
  return (
    <div className="field-type text read-only" id="field-reason">
      <FieldLabel label={t('field.delivery.reason', lang)} path={path ?? 'reason'} />
      <div className="delivery-reason__value" style={{ padding: '6px 0' }}>
        {reasonFor(value, String(channel ?? ''), admin, lang) ?? '—'}
      </div>
    </div>
  )
}
