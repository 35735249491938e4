/** Catalogue section: review. Spread into the one catalogue in ../messages.ts. */
export const reviewMessages = {} satisfies Record<string, { zh: string; en: string }>
