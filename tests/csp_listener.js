// Test-only (added by Playwright as an init script, which the page's CSP does not apply to):
// records every CSP violation so a test can fail on it with the blocked directive and source.
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ` +
      `${event.sourceFile || document.location.pathname}:${event.lineNumber}`
  );
});
