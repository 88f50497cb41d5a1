// Swagger UI on request: its files are large, so the page loads without them and this script,
// a file rather than an inline script so the page keeps its strict CSP, fetches them on a click.
// The explorer lives in a shadow root with its own stylesheet: the site's styles (buttons above
// all) don't leak into it, and its styles don't leak out.
document.addEventListener("DOMContentLoaded", () => {
  const host = document.getElementById("swagger-ui");
  const button = document.querySelector("[data-api-explorer]");
  const assets = document.getElementById("api-explorer-assets");
  if (!host || !button || !assets) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    const nodes = document.importNode(assets.content, true);
    const script = nodes.querySelector("script");
    const stylesheet = nodes.querySelector("link");
    const shadow = host.shadowRoot || host.attachShadow({ mode: "open" });
    const mount = document.createElement("div");
    shadow.replaceChildren(stylesheet, mount);
    script.addEventListener("load", () => {
      window.SwaggerUIBundle({ url: host.dataset.openapiUrl, domNode: mount, deepLinking: false });
      button.closest("p").hidden = true;
      host.setAttribute("tabindex", "-1");
      host.focus();
    });
    script.addEventListener("error", () => {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
    document.head.append(script);
  });
});
