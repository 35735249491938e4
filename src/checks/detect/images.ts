import type { TextUnit } from '../extract'
import { contextOf } from '../findings'
import type { Finding } from '../types'

/**
 * Images without alt text (提示): readers of screen readers, and inspectors,
 * get nothing from them. Only where the alt text is known: an upload node
 * whose media was populated or resolved (settings.media), or an upload field.
 */
export function detectImagesWithoutAlt(unit: TextUnit): Finding[] {
  return unit.images
    .filter((img) => img.alt === null)
    .map((img) => ({
      kind: 'image-alt' as const,
      severity: 'warning' as const,
      path: unit.path,
      offset: img.offset,
      length: 0,
      match: '',
      context: unit.richText ? contextOf(unit.text, img.offset, img.offset) : '',
      message: 'check.msg.imageAlt' as const,
      ...(img.id !== undefined ? { vars: { id: String(img.id) } } : {}),
      spans: img.node ? [{ node: img.node, source: 'alt' as const, from: 0, to: 0, text: '' }] : [],
    }))
}
