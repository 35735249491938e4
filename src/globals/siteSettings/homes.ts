import type { Field } from 'payload'

/** Site settings fields of one product area (homes), spread into the SiteSettings global. */
export const homesSettingsFields: Field[] = []
