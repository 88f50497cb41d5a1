// Small enhancements on top of pages that work without JavaScript.
(() => {
  const announce = (text) => {
    const region = document.getElementById("announcer");
    if (region) region.textContent = text;
  };

  const enhance = (root) => {
    root.querySelectorAll("[data-copy]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", async () => {
        const field = document.getElementById(button.dataset.copy);
        try {
          await navigator.clipboard.writeText(field.value);
        } catch {
          field.select();
          document.execCommand("copy");
        }
        announce(button.dataset.copied);
        button.classList.add("copied");
      });
    });
    root.querySelectorAll("[data-print]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", () => window.print());
    });
  };

  // Folded sections of a verdict belong on paper too.
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details").forEach((d) => { d.dataset.wasOpen = d.open; d.open = true; });
  });
  window.addEventListener("afterprint", () => {
    document.querySelectorAll("details").forEach((d) => { d.open = d.dataset.wasOpen === "true"; });
  });

  document.addEventListener("DOMContentLoaded", () => {
    enhance(document);
    const summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });

  // After htmx swaps a wizard step in, move focus to it, as a page load would.
  document.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    if (!target || target.id !== "wizard") return;
    enhance(target);
    const focusTarget = target.querySelector("#error-summary") || target.querySelector("#step-heading");
    if (focusTarget) focusTarget.focus({ preventScroll: true });
    window.scrollTo({ top: 0, behavior: "auto" });
  });
})();
