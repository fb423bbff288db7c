// USWDS hides everything outside the open mobile menu with aria-hidden (marking it data-nav-hidden) and traps
// Tab inside the menu, but the hidden links and buttons stay focusable by other means (a click, or Ctrl+L then
// Tab: uswds/uswds#3527), which screen readers then cannot announce. Making the same elements inert keeps focus
// and the accessibility tree in step.
new window.MutationObserver((records) => {
  for (const record of records) record.target.inert = record.target.hasAttribute('data-nav-hidden')
}).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-nav-hidden'] })
