// Blind mode chosen in this browser (a visitor's, or a member's before the server knew it), set
// on <html> before the first paint so that nobody's roles flash on screen; filters.js owns it
// afterwards. A classic script loaded from the page's <head> (the site's Content-Security-Policy
// allows no inline script), so `document.currentScript` carries the storage key.
try {
  if (localStorage.getItem(document.currentScript.dataset.key) === "on") {
    document.documentElement.dataset.blind = "";
  }
} catch (e) {
  // Storage refused (private mode, disabled): the page starts as the server drew it.
}
