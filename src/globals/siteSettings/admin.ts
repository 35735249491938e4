import type { Field } from 'payload'

/** Site settings fields of one product area (admin), spread into the SiteSettings global. */
export const adminSettingsFields: Field[] = []
