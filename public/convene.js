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
