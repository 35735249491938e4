/**
 * Review (审核) as a chain of steps: the states a content's review is in, the
 * actions that move it, and the default chains that reproduce the rules from
 * before chains were configurable. Pure: no Payload, no database.
 */

export const REVIEW_STATES = ['none', 'pending', 'approved', 'returned'] as const
export type ReviewState = (typeof REVIEW_STATES)[number]

export const REVIEW_ACTIONS = ['submit', 'approve', 'return', 'withdraw'] as const
export type ReviewAction = (typeof REVIEW_ACTIONS)[number]
/** What the history records: the actions, and `reset` when a change after an approval sent it back to step 1. */
export const REVIEW_HISTORY_ACTIONS = [...REVIEW_ACTIONS, 'reset'] as const
export type ReviewHistoryAction = (typeof REVIEW_HISTORY_ACTIONS)[number]

/** Roles that may be named as a step's reviewers. */
export const REVIEW_STEP_ROLES = ['editor', 'community-staff', 'reviewer'] as const
export type ReviewStepRole = (typeof REVIEW_STEP_ROLES)[number]

export const MAX_REVIEW_STEPS = 3
/** The usual names of the steps, in order (三审). */
export const DEFAULT_STEP_NAMES = ['初审', '复审', '终审'] as const

export type ReviewStep = { name?: string | null; by?: 'role' | 'users' | null; role?: ReviewStepRole | null; users?: unknown[] | null }
export type ReviewChain = { steps: ReviewStep[]; editorsToo: boolean }

/** A chain as site settings hold it, per content type (src/globals/siteSettings/review.ts). */
export type ReviewChainSetting = { custom?: boolean | null; editorsToo?: boolean | null; steps?: ReviewStep[] | null } | null | undefined

/**
 * Without a custom chain: no step for content an editor writes; one editor
 * step (初审) for announcements by grid leaders and community staff.
 */
export function defaultChain(slug: string): ReviewChain {
  return slug === 'announcements' ? { steps: [{ name: DEFAULT_STEP_NAMES[0], by: 'role', role: 'editor' }], editorsToo: false } : { steps: [], editorsToo: false }
}

export function chainOf(slug: string, setting: ReviewChainSetting): ReviewChain {
  if (!setting?.custom) return defaultChain(slug)
  return { steps: (setting.steps ?? []).slice(0, MAX_REVIEW_STEPS), editorsToo: Boolean(setting.editorsToo) }
}

export type ReviewHistoryEntry = {
  step?: number | null
  stepName?: string | null
  action?: ReviewHistoryAction | null
  user?: string | null
  userName?: string | null
  at?: string | null
  comment?: string | null
}

export type ReviewData = {
  status?: ReviewState | null
  /** The current step (0-based) while pending. */
  step?: number | null
  comment?: string | null
  submittedBy?: string | null
  reviewedBy?: unknown
  approvedHash?: string | null
  history?: ReviewHistoryEntry[] | null
}

/** The action a plain update of `review.status` stands for, from the stored state; null when it asks for none, 'invalid' when none fits. */
export function actionFromStatus(from: ReviewState, to: ReviewState | undefined | null): ReviewAction | null | 'invalid' {
  if (!to || to === from) return null
  if ((from === 'none' || from === 'returned') && to === 'pending') return 'submit'
  if (from === 'pending' && to === 'approved') return 'approve'
  if (from === 'pending' && to === 'returned') return 'return'
  if (from === 'pending' && to === 'none') return 'withdraw'
  return 'invalid'
}
