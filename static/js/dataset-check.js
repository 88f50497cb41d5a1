// The dataset check form posts as a plain multipart form (it works without JavaScript). While
// the browser waits for the report, this asks the server how many examples it has read so far.
// The id travels in a hidden field and the poll's path, which the access log masks.
(() => {
  const POLL_MS = 500;
  const SHOW_AFTER_MS = 1000;

  const randomId = () => {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  };

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector("form[data-dataset-check]");
    if (!form) return;
    const status = form.querySelector("[data-check-progress]");
    const field = form.querySelector("[data-progress-field]");
    form.addEventListener("submit", () => {
      // In the form body, before the file: never in a URL, so never in an access log.
      const id = randomId();
      field.value = id;
      const url = form.dataset.progressUrl.replace("CHECK_ID", id);
      const started = Date.now();
      const poll = async () => {
        try {
          const response = await fetch(url, { headers: { Accept: "application/json" } });
          if (response.ok) {
            const { examples } = await response.json();
            if (Date.now() - started >= SHOW_AFTER_MS) {
              status.hidden = false;
              status.textContent = status.dataset.reading.replace("{count}", examples.toLocaleString());
            }
          } else if (Date.now() - started >= SHOW_AFTER_MS) {
            status.hidden = false;
            status.textContent = status.dataset.waiting;
          }
        } catch {
          return; // the report is arriving: this page is going away
        }
        window.setTimeout(poll, POLL_MS);
      };
      window.setTimeout(poll, POLL_MS);
    });
  });
})();
