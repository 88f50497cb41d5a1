// Small enhancements on top of pages that work without JavaScript.
(() => {
  const announce = (text) => {
    const region = document.getElementById("announcer");
    if (region) region.textContent = text;
  };

  // Times rendered in UTC (<time data-local>) shown in the reader's own zone, with its name.
  const localTimes = (root) => {
    const lang = document.documentElement.lang || undefined;
    root.querySelectorAll("time[data-local]").forEach((element) => {
      const when = new Date(element.dateTime);
      if (Number.isNaN(when.getTime())) return;
      const options = element.dataset.local === "date"
        ? { dateStyle: "long" }
        : { dateStyle: "long", timeStyle: "short" };
      const text = new Intl.DateTimeFormat(lang, options).format(when);
      const zone = element.dataset.local === "date" ? "" : new Intl.DateTimeFormat(lang, { timeZoneName: "short" })
        .formatToParts(when).find((part) => part.type === "timeZoneName");
      element.textContent = zone ? `${text} ${zone.value}` : text;
    });
  };

  const enhance = (root) => {
    localTimes(root);
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
    // Questions that cannot apply hide as soon as the answer that rules them out is chosen;
    // disabled, they send nothing, as when the server leaves them out.
    root.querySelectorAll("form").forEach((form) => {
      const dependents = form.querySelectorAll("[data-skip-when]");
      if (!dependents.length) return;
      const update = () => dependents.forEach((question) => {
        const chosen = form.querySelector(`[name="${question.dataset.skipWhen}"]:checked`);
        const skip = chosen !== null && chosen.value === question.dataset.skipValue;
        question.hidden = skip;
        question.disabled = skip;
      });
      form.addEventListener("change", update);
      update();
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

  // After htmx swaps a wizard step, the cost calculator's results or a what-if in, move focus
  // to them, as a page load would: the error summary first, else the first of these found.
  const headings = {
    wizard: ["#step-heading"],
    calculator: ["#results-heading"],
    "what-if": ["#what-if-error", ".what-if-headline", "#what-if-v input:checked", "#what-if-v input"],
  };
  document.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    if (!target || !(target.id in headings)) return;
    enhance(target);
    const focusTarget = ["#error-summary", ...headings[target.id]]
      .map((selector) => target.querySelector(selector)).find(Boolean);
    if (focusTarget) focusTarget.focus({ preventScroll: true });
    if (target.id === "wizard") window.scrollTo({ top: 0, behavior: "auto" });
    else if (focusTarget) focusTarget.scrollIntoView({ block: target.id === "what-if" ? "nearest" : "start" });
  });
})();
