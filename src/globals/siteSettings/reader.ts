import type { Field } from 'payload'

/** Site settings fields of one product area (reader), spread into the SiteSettings global. */
export const readerSettingsFields: Field[] = []
