import type { MessageKey } from '../i18n/messages'

/**
 * Pre-publish checks: the shapes every detector shares. Pure data, so a
 * finding can travel to the admin sidebar, a REST answer or an inspection
 * report as JSON.
 */

/** 严重 blocks publishing; 提示 only warns. */
export type Severity = 'serious' | 'warning'

export type FindingKind =
  | 'official-name'
  | 'typo'
  | 'doubled-char'
  | 'doubled-punct'
  | 'id-number'
  | 'mobile'
  | 'bank-card'
  | 'personal-name'
  | 'image-alt'
  | 'dead-link'

/**
 * Where a piece of a field's plain text came from:
 * - `field`: a plain text field (title, summary, an answer), the whole string
 * - `text`: a Lexical text node's `text`
 * - `url`: a Lexical link's URL (`fields.url`)
 * - `alt`: an image's alt text, which lives on the media document, not in the content
 */
export type SourceKind = 'field' | 'text' | 'url' | 'alt'

/**
 * One stretch of a finding inside one source string: `node` is the Lexical
 * path (child indices from the root) when the field is rich text; `from`/`to`
 * index that node's string (or the field's string); `text` is what was there
 * when the check ran, so a fix is applied only if it still is.
 */
export type Span = { node?: number[]; source: SourceKind; from: number; to: number; text: string }

/** A replacement for the matched text: the correct word, or the masked form. */
export type Fix = { kind: 'replace' | 'mask'; text: string }

export type Finding = {
  kind: FindingKind
  severity: Severity
  /** Field path: 'title', 'summary', 'body', 'articles.2.body', 'qa.0.answer', 'cover'. */
  path: string
  /** Offset and length in that field's plain text (UTF-16 code units, as JavaScript indexes strings). */
  offset: number
  length: number
  match: string
  /** A few characters either side, the match in 【】. */
  context: string
  /** Catalogue key of the explanation; `vars` fills its {placeholders}. */
  message: MessageKey
  vars?: Record<string, string>
  fix?: Fix
  /** Where the match sits in the stored document (for showing and patching it in place). */
  spans: Span[]
}

/** An official name and the wrong forms of it that count as a serious error. */
export type OfficialName = { correct: string; wrong: string[] }

/** What the checks need from site settings and the environment (all optional). */
export type CheckSettings = {
  /** The site's public origin (PUBLIC_URL): links to it are internal. */
  publicUrl?: string | null
  /** Office holders' names and titles, the street's own names, as the street maintains them. */
  officialNames?: OfficialName[] | null
  /** The hotline from site settings: never flagged. */
  hotline?: string | null
  /** Other public numbers: contact fields, staff work phones, numbers an editor marked public. */
  publicNumbers?: (string | null | undefined)[] | null
  /**
   * Media by id, for images whose upload node holds only an id (depth 0).
   * Without it such an image's alt text is unknown and not reported.
   */
  media?: ((id: string | number) => { alt?: string | null } | null | undefined) | null
  /**
   * What is known of the links' targets (src/content/links.ts looks internal
   * ones up; the checks endpoint checks external ones when asked). A link
   * whose target is not known here is not judged.
   */
  links?: LinkStates | null
}

/** A page of this site that shows one content (src/templates/paths.ts): by id, an issue by number, a grid by code. */
export type InternalTarget = { collection: 'issues' | 'events' | 'policies' | 'announcements' | 'grids'; key: 'id' | 'number' | 'code'; value: string }

/** As the public sees a content: published, a draft (or scheduled), withdrawn (a notice), or nothing. */
export type TargetState = 'published' | 'draft' | 'withdrawn' | 'missing'

export type LinkReason =
  | 'ok'
  | 'not-found'
  | 'client-error'
  | 'server-error'
  | 'timeout'
  | 'redirect-loop'
  | 'too-many-redirects'
  | 'refused-address'
  | 'bad-url'
  | 'network'
  /** Not an answer of the checker: found dead by an earlier check (the daily link watch, 检查外部链接) and not yet found working. */
  | 'recorded'

/** An external link as the checker found it (src/checks/links/external.ts). */
export type LinkResult = { ok: boolean; status?: number; reason: LinkReason; detail?: string }

export type LinkStates = {
  internal?: ((target: InternalTarget) => TargetState | undefined) | null
  external?: ((url: string) => LinkResult | undefined) | null
}

export type CheckOptions = {
  /** Collection slug: which fields carry reader text (see extract.ts). Unknown or absent: every string. */
  collection?: string
  settings?: CheckSettings
  /** "Today", for telling a birth date in an ID number from a future one. */
  now?: Date
}

/** A typo list entry (src/checks/lists/typos.ts): the wrong word, the right one, its source, valid longer strings. */
export type TypoPair = readonly [wrong: string, correct: string, source: string, except?: readonly string[]]
