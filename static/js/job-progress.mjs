// Job progress: poll the job's status URL and update the progress bar and the
// polite live region, then reload once the job has finished so the page shows
// the result. Without JavaScript the page offers a "Check progress now" link.
const POLL_MS = 1500;

function update(root, status) {
  const bar = root.querySelector("progress");
  const state = root.querySelector("[data-job-state]");
  const text = root.querySelector("[data-job-text]");
  if (bar) {
    bar.value = status.progress;
    bar.textContent = `${status.progress}%`;
  }
  if (state) state.textContent = status.state_label;
  if (text) text.textContent = `${status.progress}% – ${status.message || "Waiting for a worker"}`;
}

function watch(root) {
  const url = root.dataset.statusUrl;
  if (!url || root.dataset.finished === "true") return;
  const tick = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const status = await response.json();
        update(root, status);
        if (status.finished) {
          window.location.reload();
          return;
        }
      }
    } catch {
      // A dropped connection: try again on the next tick.
    }
    window.setTimeout(tick, POLL_MS);
  };
  window.setTimeout(tick, POLL_MS);
}

export function initJobProgress(scope) {
  scope.querySelectorAll('[data-module="amhe-job-progress"]').forEach(watch);
}
