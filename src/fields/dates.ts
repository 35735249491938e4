/**
 * How dates read and are picked in the admin, in every language: 2026-11-27 13:43,
 * a 24-hour clock (Payload's defaults are English-shaped: "Nov 27, 2026 1:43 PM").
 */
export const ADMIN_DATE_TIME = 'yyyy-MM-dd HH:mm'

/** A date with its time (publish times, event times, delivery times). */
export const dateTimePicker = { pickerAppearance: 'dayAndTime', displayFormat: ADMIN_DATE_TIME, timeFormat: 'HH:mm', timeIntervals: 15 } as const

/** A calendar day (a policy's effective date). */
export const dayPicker = { pickerAppearance: 'dayOnly', displayFormat: 'yyyy-MM-dd' } as const
