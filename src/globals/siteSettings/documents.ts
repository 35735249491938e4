import type { Field } from 'payload'

/** Site settings fields of one product area (documents), spread into the SiteSettings global. */
export const documentsSettingsFields: Field[] = []
