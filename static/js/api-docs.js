// Swagger UI on request: its files are large, so the page loads without them and this script,
// a file rather than an inline script so the page keeps its strict CSP, fetches them on a click.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  const button = document.querySelector("[data-api-explorer]");
  const assets = document.getElementById("api-explorer-assets");
  if (!root || !button || !assets) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    const nodes = document.importNode(assets.content, true);
    const script = nodes.querySelector("script");
    script.addEventListener("load", () => {
      window.SwaggerUIBundle({ url: root.dataset.openapiUrl, domNode: root, deepLinking: false });
      button.closest("p").hidden = true;
      root.setAttribute("tabindex", "-1");
      root.focus();
    });
    script.addEventListener("error", () => {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
    document.head.append(...nodes.childNodes);
  });
});
