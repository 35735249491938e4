import type { Field } from 'payload'

/** Site settings fields of one product area (inspect), spread into the SiteSettings global. */
export const inspectSettingsFields: Field[] = []
