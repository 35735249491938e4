import { SMS_LINK_CODE_MAX_CHARS, SMS_TEMPLATES, smsTemplateText } from '../channels/sms/templates'
import { SMS_PARAM_MAX_CHARS, fitTemplate } from '../channels/sms/segments'
import { smsSettings } from '../server/smsEnv'

/**
 * What an SMS delivery of one content will cost, for the publish dialog
 * (issue 17): the message as the driver fills it (the real sign name, the
 * template built on the site's link base, the longest short-link code),
 * counted and billed as the provider counts (segments.ts), times the
 * recipients, at SMS_PRICE_PER_SEGMENT.
 *
 * An urgent notice's detail is not known before the driver fills it: without
 * one, the estimate takes the longest detail the segments allow (an upper
 * bound). Null when SMS is not configured.
 */
export type SmsEstimateInput = { title: string; urgent: boolean; recipients: number; detail?: string; maxSegments?: number }
export type SmsEstimate = {
  /** Segments each message takes (0 when it cannot be sent: see problem). */
  segmentsPerMessage: number
  totalSegments: number
  /** Yuan. */
  cost: number
  /** Characters of one message, sign name and 回复TD退订 included. */
  chars: number
  /** The parameters shortened to fit (e.g. title). */
  clipped: string[]
  /** Why no message can be made (e.g. the title cannot fit), in the fit's words. */
  problem?: string
}

export function estimateSms(input: SmsEstimateInput): SmsEstimate | null {
  const settings = smsSettings()
  if (!settings) return null
  const kind = input.urgent ? 'urgent' : 'notice'
  const params: Record<string, string> = {
    title: input.title,
    code: 'x'.repeat(SMS_LINK_CODE_MAX_CHARS),
    ...(input.urgent ? { detail: input.detail?.trim() || '详'.repeat(SMS_PARAM_MAX_CHARS) } : {}),
  }
  const fit = fitTemplate(settings.signName, smsTemplateText(kind, settings.linkBase), SMS_TEMPLATES[kind].params, params, Math.max(1, input.maxSegments ?? 1))
  const recipients = Math.max(0, Math.floor(input.recipients))
  if (!fit.ok) return { segmentsPerMessage: 0, totalSegments: 0, cost: 0, chars: 0, clipped: [], problem: fit.message }
  const totalSegments = fit.segments * recipients
  return {
    segmentsPerMessage: fit.segments,
    totalSegments,
    cost: Math.round(totalSegments * settings.pricePerSegment * 10_000) / 10_000,
    chars: fit.chars,
    clipped: fit.clipped,
  }
}
