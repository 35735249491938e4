import { channelOrderOf, type SubscriberDoc } from '../../model/subscribers'
import { type MessageKey, t } from '../../i18n/messages'
import { esc } from '../html'

/** The positions of the fallback order, in words (第一、第二、第三). */
const POSITIONS: MessageKey[] = ['fallback.prefs.first', 'fallback.prefs.second', 'fallback.prefs.third']

/**
 * The preferences form's fallback order (src/delivery/fallback.ts): one select per position among
 * the channels the resident opted into, in their order now; no script needed. Nothing for a
 * resident with one channel (there is nothing to fall back to). `error`: the order's own message.
 */
export function fallbackOrderFieldset(s: Pick<SubscriberDoc, 'channels' | 'channelOrder'>, error: string | null): string {
  const mine = channelOrderOf(s).filter((c) => (s.channels ?? []).includes(c))
  if (mine.length < 2) return ''
  const option = (c: string, selected: boolean) => `<option value="${c}"${selected ? ' selected' : ''}>${esc(t(`channel.${c}` as MessageKey))}</option>`
  const selects = mine.map((here, i) => `<label>${esc(t(POSITIONS[i]))} <select name="order">${mine.map((c) => option(c, c === here)).join('')}</select></label> `).join('')
  const problem = error ? `<p class="field-error" id="e-order">${esc(error)}</p>` : ''
  return `<fieldset id="f-order"><legend>${esc(t('fallback.prefs.legend'))}</legend><p class="hint">${esc(t('fallback.prefs.hint'))}</p>${selects}${problem}</fieldset>`
}
