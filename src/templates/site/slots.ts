/**
 * Places in a page that are filled in per visitor when the page is sent
 * (src/site/myGridCookie.ts), so the cached page stays one for everyone: the
 * urgent banner on every page, and 我的网格 on the home page. A slot nobody
 * fills stays an empty comment.
 */
export const SLOTS = {
  /** The urgent banner: the street's and the visitor's grid's. */
  banner: '<!--sn:banner-->',
  /** The same place on a page that lists the street's urgent content itself (the home page): the grid's only. */
  gridBanner: '<!--sn:banner:grid-->',
  myGrid: '<!--sn:mygrid-->',
} as const
