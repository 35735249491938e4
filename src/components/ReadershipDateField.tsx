'use client'

import { DatePicker } from '@payloadcms/ui'
import { useState } from 'react'

/**
 * A date of the readership picker: Payload's own calendar, in the admin's
 * language (Chinese month and weekday names), showing yyyy-mm-dd; the form
 * sends the day in a hidden field, so the address keeps ?from=2026-11-01.
 */
const dayOf = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`

export function ReadershipDateField({ id, name, label, defaultValue, placeholder }: { id: string; name: string; label: string; defaultValue: string; placeholder: string }) {
  const [value, setValue] = useState(defaultValue)
  return (
    <span className="rs-date" data-field={name}>
      <label htmlFor={id}>{label}</label>
      <DatePicker
        value={value ? `${value}T12:00:00` : undefined}
        onChange={(d) => setValue(d instanceof Date && !Number.isNaN(d.getTime()) ? dayOf(d) : '')}
        pickerAppearance="dayOnly"
        displayFormat="yyyy-MM-dd"
        placeholder={placeholder}
        overrides={{ id, isClearable: true }}
      />
      <input type="hidden" name={name} value={value} />
    </span>
  )
}
