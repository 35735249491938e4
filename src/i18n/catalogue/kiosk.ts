/** Catalogue section: kiosk. Spread into the one catalogue in ../messages.ts. */
export const kioskMessages = {} satisfies Record<string, { zh: string; en: string }>
