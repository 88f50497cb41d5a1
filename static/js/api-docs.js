// Starts Swagger UI from a file, not an inline script, so the page keeps its strict CSP.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  if (!root || !window.SwaggerUIBundle) return;
  window.SwaggerUIBundle({ url: root.dataset.openapiUrl, domNode: root, deepLinking: false });
});
