'use client'

import { DefaultCell, FieldDescription, FieldLabel, useField, useTranslation } from '@payloadcms/ui'
import type { DefaultCellComponentProps, NumberFieldClientComponent } from 'payload'

import { type Lang, t } from '../i18n/messages'

/** An issue's number as staff read it; a draft has none until it is first published (未编号). */
export const issueNumberText = (value: unknown, lang: Lang) => (typeof value === 'number' ? String(value) : t('issue.unnumbered', lang))

const langOf = (language: string | undefined): Lang => (language === 'en' ? 'en' : 'zh')

/** The 期号 column of the issues list: Payload's own cell (with its link to the issue), showing 未编号 for a draft. */
export function IssueNumberCell(props: DefaultCellComponentProps) {
  const { i18n } = useTranslation()
  return <DefaultCell {...props} field={{ ...props.field, type: 'text' } as never} cellData={issueNumberText(props.cellData, langOf(i18n.language)) as never} />
}

/** The 期号 on an issue's edit page: read-only, 未编号 while it is a draft never published. */
export const IssueNumberField: NumberFieldClientComponent = ({ path }) => {
  const { i18n } = useTranslation()
  const { value } = useField<number | null>({ path: path ?? 'number' })
  const lang = langOf(i18n.language)
  return (
    <div className="field-type number read-only" id="field-number">
      <FieldLabel label={t('field.number', lang)} path={path ?? 'number'} />
      <div className="issue-number__value" style={{ padding: '6px 0' }}>
        {issueNumberText(value, lang)}
      </div>
      <FieldDescription description={t('field.number.description', lang)} path={path ?? 'number'} />
    </div>
  )
}
