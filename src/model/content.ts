/** The content types (collection slugs): what is published, delivered and read. */
export const CONTENT_SLUGS = ['issues', 'events', 'policies', 'announcements'] as const
export type ContentSlug = (typeof CONTENT_SLUGS)[number]
