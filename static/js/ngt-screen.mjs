// NGT facilitator's screen (research/templates/research/ngt/screen.html): poll the
// session's JSON and update the counts, the idea shown in the round-robin listing
// and the list of ideas without reloading. When the phase or the listed idea
// changes (a new layout), reload once. Without JavaScript the page has a
// "Refresh the screen" link.
const POLL_MS = 3000;

function setText(root, name, value) {
  root.querySelectorAll(`[data-ngt="${name}"]`).forEach((element) => {
    element.textContent = value === null || value === undefined ? "" : String(value);
  });
}

function setList(root, ideas) {
  root.querySelectorAll('[data-ngt="idea_list"]').forEach((list) => {
    const items = ideas.map((idea) => {
      const item = document.createElement("li");
      const number = document.createElement("strong");
      number.textContent = `${idea.number}.`;
      item.append(number, ` ${idea.text}`);
      return item;
    });
    list.replaceChildren(...items);
  });
}

export function update(root, data) {
  ["joined", "ideas", "ranked", "current_number", "current_idea"].forEach((name) => setText(root, name, data[name]));
  if (Array.isArray(data.idea_list) && data.idea_list.length) setList(root, data.idea_list);
}

function watch(root) {
  const url = root.dataset.statusUrl;
  if (!url) return;
  const tick = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const data = await response.json();
        if (data.version !== root.dataset.version) {
          window.location.reload();
          return;
        }
        update(root, data);
      }
    } catch {
      // A dropped connection: try again on the next tick.
    }
    window.setTimeout(tick, POLL_MS);
  };
  window.setTimeout(tick, POLL_MS);
}

export function initNgtScreen(scope) {
  scope.querySelectorAll('[data-module="amhe-ngt-screen"]').forEach(watch);
}
