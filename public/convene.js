// USWDS hides everything outside the open mobile menu with aria-hidden (marking it data-nav-hidden) and traps
// Tab inside the menu, but the hidden links and buttons stay focusable by other means (a click, or Ctrl+L then
// Tab: uswds/uswds#3527), which screen readers then cannot announce. Making the same elements inert keeps focus
// and the accessibility tree in step.
new window.MutationObserver((records) => {
  for (const record of records) record.target.inert = record.target.hasAttribute('data-nav-hidden')
}).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-nav-hidden'] })

// The browser's time zone, so pages can show event times where the viewer is even before they choose a zone in
// their profile (read by the server as the cookie convene_tz; src/plugins/app/auth.ts).
try {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
  const current = document.cookie.split('; ').find((c) => c.startsWith('convene_tz='))
  if (zone && current !== 'convene_tz=' + encodeURIComponent(zone)) {
    document.cookie = 'convene_tz=' + encodeURIComponent(zone) + '; path=/; max-age=31536000; samesite=lax'
  }
} catch {
  // No Intl time zone support: times are shown in each event's zone only.
}

// Talk-template fields: the "Between 100 and 1,200 characters" hint also counts what has been written so far. The
// server checks the limits anyway; without JavaScript the hint stays as it is.
for (const field of document.querySelectorAll('[data-max][data-min]')) {
  const hint = document.querySelector('[data-counter-for="' + field.id + '"]')
  if (!hint) continue
  const live = document.createElement('span')
  live.setAttribute('aria-live', 'polite')
  live.className = 'usa-hint display-block'
  hint.after(live)
  const count = () => {
    let n = 0
    try {
      for (const _ of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(field.value.trim())) n++
    } catch {
      n = [...field.value.trim()].length
    }
    const min = Number(field.dataset.min)
    const max = Number(field.dataset.max)
    const note = n > max ? ' (' + (n - max).toLocaleString('en-US') + ' too many)' : n < min ? ' (' + (min - n).toLocaleString('en-US') + ' to go)' : ''
    live.textContent = n.toLocaleString('en-US') + ' written' + note
  }
  let timer = null
  field.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(count, 400) })
  count()
}
