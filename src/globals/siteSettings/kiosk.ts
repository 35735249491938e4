import type { Field } from 'payload'

/** Site settings fields of one product area (kiosk), spread into the SiteSettings global. */
export const kioskSettingsFields: Field[] = []
