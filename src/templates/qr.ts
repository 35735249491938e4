import QRCode from 'qrcode'

/**
 * QR codes of the links staff hand out (grid subscribe kits, content share
 * kits), all with the same settings: error correction M survives a smudged
 * print, and a 4-module quiet zone is what phone scanners expect.
 */
const options = { errorCorrectionLevel: 'M' as const, margin: 4 }

export const qrSvg = (link: string): Promise<string> => QRCode.toString(link, { ...options, type: 'svg' })

/** A PNG `width` pixels wide (1024 is sharp enough for an A4 poster). */
export const qrPng = (link: string, width = 1024): Promise<Buffer> => QRCode.toBuffer(link, { ...options, type: 'png', width })
