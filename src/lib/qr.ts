import QRCode from 'qrcode'

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * A QR code of `text` as an inline SVG image whose accessible name is `label` (role="img", aria-label and a
 * <title>, so screen readers announce what it is rather than reading paths). Error correction M: it still scans
 * from a phone screen with some glare. The SVG scales to its container (no fixed width or height).
 */
export async function qrSvg (text: string, label: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
  const name = escapeXml(label)
  return svg.replace(/^<svg /, `<svg role="img" aria-label="${name}" focusable="false" `)
    .replace(/^(<svg[^>]*>)/, `$1<title>${name}</title>`)
}
