/**
 * A notice for the person starting the server, framed so it stands out among the JSON request log lines that
 * surround it (the first-run setup code is needed once, and missing it means reading the database).
 */
export function consoleBanner (lines: string[]): string {
  const width = Math.max(...lines.map((l) => l.length)) + 4
  const rule = '='.repeat(width)
  return ['', rule, ...lines.map((l) => l ? `  ${l}` : ''), rule, ''].join('\n')
}

/** The first-run notice: where to go and the code to type there. */
export function setupCodeBanner (publicUrl: string, code: string): string {
  return consoleBanner([
    'FIRST RUN: this site has no admin yet.',
    '',
    `1. Open  ${publicUrl}/setup`,
    `2. Enter the setup code  ${code}`,
    '',
    'The code works until the first admin is created. Restarting prints it again.'
  ])
}
