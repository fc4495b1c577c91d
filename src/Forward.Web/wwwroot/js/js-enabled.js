// Loaded synchronously as the first thing in <body>, in place of the inline snippet in NHS.UK frontend's page
// template (Forward's content security policy allows no inline script). Browsers that run ES modules also get
// nhsuk-frontend-supported, which NHS.UK frontend's CSS and initAll() both look for.
document.body.classList.add('js-enabled');
if ('noModule' in HTMLScriptElement.prototype) {
  document.body.classList.add('nhsuk-frontend-supported');
}
