import type { Field } from 'payload'

/** Site settings fields of one product area (audience), spread into the SiteSettings global. */
export const audienceSettingsFields: Field[] = []
