/** SMS quiet hours' defaults (street time): non-urgent text messages wait from 21:00 until 08:00 (src/delivery/sms/quiet.ts). */
export const SMS_QUIET_DEFAULTS = { start: 21, end: 8 } as const
