import type { Field } from 'payload'

/** Site settings fields of one product area (review), spread into the SiteSettings global. */
export const reviewSettingsFields: Field[] = []
