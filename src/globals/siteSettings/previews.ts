import type { Field } from 'payload'

/** Site settings fields of one product area (previews), spread into the SiteSettings global. */
export const previewsSettingsFields: Field[] = []
