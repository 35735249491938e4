import sharp from 'sharp'

import { t } from '../../i18n/messages'
import { ChannelError } from '../types'
import { imageType, sizeText, WECHAT_LIMITS } from './limits'

/** Images as WeChat takes them: cover thumbs and body images fitted under their size limits. */

/**
 * A JPEG under maxBytes: EXIF-rotated, flattened on white, at most `width` px
 * wide, quality stepped down, then width stepped down by a quarter, until it
 * fits; null when even `minWidth` at the lowest quality does not.
 */
async function shrinkToJpeg(input: Buffer, maxBytes: number, opts: { width: number; minWidth: number; qualities: number[] }): Promise<Buffer | null> {
  for (let width = opts.width; width >= opts.minWidth; width = Math.floor(width * 0.75)) {
    for (const quality of opts.qualities) {
      const out = await sharp(input, { animated: false })
        .rotate()
        .resize({ width, withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality, mozjpeg: true })
        .toBuffer()
      if (out.length < maxBytes) return out
    }
  }
  return null
}

/** The cover as a JPEG under 64 KB, at most 900 px wide. */
export async function fitThumb(input: Buffer, maxBytes: number = WECHAT_LIMITS.thumbBytes): Promise<Buffer> {
  const meta = await sharp(input).metadata()
  const out = await shrinkToJpeg(input, maxBytes, { width: Math.min(meta.width ?? 900, 900), minWidth: 64, qualities: [82, 70, 58, 46, 34] })
  if (out) return out
  throw new ChannelError('config', 'thumb.cannot-fit', t('wechat.check.thumbCannotFit'), { field: 'cover' })
}

/**
 * A body image as uploadimg takes it: JPG or PNG under 1 MB passes as it is;
 * anything else (WebP, GIF, a large photo) becomes a JPEG, at most 1080 px wide,
 * quality stepped down until it fits.
 */
export async function fitBodyImage(input: Buffer, maxBytes: number = WECHAT_LIMITS.bodyImageBytes): Promise<Buffer> {
  if (imageType(input) && input.length < maxBytes) return input
  const out = await shrinkToJpeg(input, maxBytes, { width: 1080, minWidth: 200, qualities: [85, 72, 60] })
  if (out) return out
  throw new ChannelError('config', 'uploadimg.cannot-fit', t('wechat.check.imageTooLarge', 'zh', { size: sizeText(input.length) }), { field: 'image' })
}
