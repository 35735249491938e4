/**
 * Length and segments of a text message as the provider counts and bills
 * them (Alibaba Cloud SMS, mainland China):
 * - the message is the sign name in 【】 followed by the template with its
 *   parameters filled in; both count;
 * - every character counts as one, whatever it is: a Chinese character, a
 *   letter, a digit, full- or half-width punctuation, a space (we count Unicode
 *   code points; the provider publishes no rule for characters outside the
 *   Basic Multilingual Plane, such as emoji);
 * - up to 70 characters is one segment; a longer message is sent as a long
 *   message of 67-character segments (each segment carries a header), billed
 *   per segment; at most 500 characters in all.
 */

export const SMS_SINGLE_SEGMENT_CHARS = 70
export const SMS_LONG_SEGMENT_CHARS = 67
export const SMS_MAX_CHARS = 500
/** The provider's limit on one template parameter (a "其他" variable: names, titles, places). */
export const SMS_PARAM_MAX_CHARS = 35

const ELLIPSIS = '…'
const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' })

/** Characters as the provider counts them. */
export const smsLength = (text: string): number => {
  let n = 0
  for (const _ of text) n++
  return n
}

/** Segments a message of `chars` characters is sent and billed as (0 for an empty one). */
export function segmentsFor(chars: number): number {
  if (chars <= 0) return 0
  return chars <= SMS_SINGLE_SEGMENT_CHARS ? 1 : Math.ceil(chars / SMS_LONG_SEGMENT_CHARS)
}

/** The most characters that fit in `segments` segments (never more than the provider's 500). */
export function capacityFor(segments: number): number {
  if (segments < 1) return 0
  return Math.min(SMS_MAX_CHARS, segments === 1 ? SMS_SINGLE_SEGMENT_CHARS : segments * SMS_LONG_SEGMENT_CHARS)
}

/** The sign name as it appears at the head of the message: 【徐碧街道】 (given with or without the brackets). */
export const signPrefix = (signName: string): string => `【${bareSignName(signName)}】`
export const bareSignName = (signName: string): string => signName.trim().replace(/^【(.*)】$/, '$1').trim()

/** The parameter names of a template text, in order of first use: `${name}` as the provider writes them. */
export function templateParams(text: string): string[] {
  const names: string[] = []
  for (const m of text.matchAll(/\$\{(\w+)\}/g)) if (!names.includes(m[1])) names.push(m[1])
  return names
}

/** The template with its parameters filled in (a missing one stays as written, as a check will catch it). */
export function fillTemplate(text: string, params: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}/g, (whole, name: string) => (name in params ? params[name] : whole))
}

/** The whole message the resident receives: sign name, then the filled template. */
export function smsText(signName: string, template: string, params: Record<string, string>): string {
  return signPrefix(signName) + fillTemplate(template, params)
}

/**
 * `value` cut to at most `max` characters, at a character (grapheme) boundary,
 * ending with "…" when cut. Null when `max` leaves no room for one character
 * and the ellipsis.
 */
export function clipText(value: string, max: number): string | null {
  if (smsLength(value) <= max) return value
  if (max < 2) return null
  let out = ''
  let used = 0
  for (const { segment } of segmenter.segment(value)) {
    const n = smsLength(segment)
    if (used + n > max - 1) break
    out += segment
    used += n
  }
  return out ? out + ELLIPSIS : null
}

/** One parameter of a template as our code fills it. */
export type ParamSpec = {
  name: string
  /** Most characters the provider takes for it (SMS_PARAM_MAX_CHARS unless the template says less). */
  max: number
  /**
   * Order in which parameters are shortened to fit the segments allowed:
   * 1 first, then 2…; 0 never (a short-link code cut is a broken link).
   */
  clip: number
}

export type FitResult =
  | { ok: true; params: Record<string, string>; text: string; chars: number; segments: number; clipped: string[] }
  | { ok: false; code: 'sms.missing-param' | 'sms.param-too-long' | 'sms.too-long'; field: string; message: string }

/**
 * Fills a template so the whole message (sign name and 回复TD退订 included, as
 * they are part of the sign and template) fits in `maxSegments` segments:
 * whitespace runs become one space; each parameter is first cut to its own
 * limit, then the clippable ones are shortened in their clip order until the
 * message fits. A parameter that may not be clipped (a link code) and is too
 * long, or a message that cannot fit even with every clippable parameter at
 * one character, is refused with the field named.
 */
export function fitTemplate(
  signName: string,
  template: string,
  specs: ParamSpec[],
  input: Record<string, string | undefined>,
  maxSegments: number,
): FitResult {
  const params: Record<string, string> = {}
  const clipped = new Set<string>()
  for (const spec of specs) {
    const raw = (input[spec.name] ?? '').replace(/\s+/g, ' ').trim()
    if (!raw) return { ok: false, code: 'sms.missing-param', field: spec.name, message: `SMS template parameter "${spec.name}" is empty` }
    if (smsLength(raw) > spec.max) {
      const cut = spec.clip > 0 ? clipText(raw, spec.max) : null
      if (cut === null) {
        return { ok: false, code: 'sms.param-too-long', field: spec.name, message: `SMS template parameter "${spec.name}" has ${smsLength(raw)} characters; at most ${spec.max}` }
      }
      params[spec.name] = cut
      clipped.add(spec.name)
    } else params[spec.name] = raw
  }

  const capacity = capacityFor(maxSegments)
  const lengthNow = () => smsLength(smsText(signName, template, params))
  const order = specs.filter((s) => s.clip > 0).sort((a, b) => a.clip - b.clip)
  for (const spec of order) {
    const over = lengthNow() - capacity
    if (over <= 0) break
    const current = smsLength(params[spec.name])
    const target = Math.max(2, current - over)
    if (target >= current) continue
    const cut = clipText(params[spec.name], target)
    if (cut !== null) {
      params[spec.name] = cut
      clipped.add(spec.name)
    }
  }
  const chars = lengthNow()
  if (chars > capacity) {
    return {
      ok: false,
      code: 'sms.too-long',
      field: order[order.length - 1]?.name ?? specs[0]?.name ?? 'template',
      message: `SMS of ${chars} characters does not fit in ${maxSegments} segment(s) (${capacity} characters) even with its parameters shortened`,
    }
  }
  return { ok: true, params, text: smsText(signName, template, params), chars, segments: segmentsFor(chars), clipped: [...clipped] }
}
