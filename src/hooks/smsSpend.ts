import type { Endpoint } from 'payload'

import { isEditor, type StaffUser } from '../access'
import { langOf, t } from '../i18n/messages'
import { smsSpend } from '../readership/smsSpend'

/**
 * GET /api/sms-messages/month: the street month's SMS (segments and cost by
 * content type, the budget and what is left), for admins and editors; the
 * data of /admin/sms-month (src/components/SmsMonthView.tsx).
 */
export const smsSpendEndpoints: Endpoint[] = [
  {
    path: '/month',
    method: 'get',
    handler: async (req) => {
      const lang = langOf(req)
      if (!isEditor(req.user as StaffUser | null)) {
        return Response.json({ errors: [{ message: t('sms.month.forbidden', lang) }] }, { status: 403, headers: { 'Cache-Control': 'no-store' } })
      }
      return Response.json(await smsSpend(req.payload, new Date(), lang), { headers: { 'Cache-Control': 'no-store' } })
    },
  },
]
