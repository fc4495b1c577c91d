// Forward's page script, an ES module (so it runs only in browsers NHS.UK frontend supports).
// The layout loads NHS.UK frontend with <script type="module" id="nhsuk-frontend-script" src="...?v=hash">;
// importing that exact URL reuses the module the browser already has instead of fetching it again.
const script = document.getElementById('nhsuk-frontend-script');

if (script instanceof HTMLScriptElement && script.src) {
  const { initAll } = await import(script.src);
  initAll();
}
