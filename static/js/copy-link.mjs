// Copy buttons: "Copy link" beside a link people need to keep (the respondent's
// resume link, the survey's open link, the community input form's link).
// Markup: templates/_components/copy_link.html, a hidden [data-module="amhe-copy"]
// naming its link's element in data-copy-target (an <input> with the link as its
// value, or an element holding an <a href>). This shows the button and copies the
// link when it is pressed, saying so in the polite status region beside it.
// Without JavaScript (or a clipboard) the button stays hidden and the link stays
// text that can be selected and copied. No inline script or style: the strict
// CSP holds.

function linkOf(target) {
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) return target.value.trim();
  const link = target.matches("a[href]") ? target : target.querySelector("a[href]");
  return (link ? link.href : target.textContent).trim();
}

function selectText(target) {
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
    target.focus();
    target.select();
    return;
  }
  const range = document.createRange();
  range.selectNodeContents(target);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

async function copy(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  throw new Error("No clipboard here");
}

function init(root) {
  const target = document.getElementById(root.dataset.copyTarget || "");
  const button = root.querySelector("button");
  const status = root.querySelector("[role=status]");
  if (!target || !button || !status || !(navigator.clipboard && window.isSecureContext)) return;
  let clear;
  button.addEventListener("click", async () => {
    window.clearTimeout(clear);
    status.textContent = "";
    try {
      await copy(linkOf(target));
      status.textContent = root.dataset.copied;
    } catch {
      selectText(target);
      status.textContent = root.dataset.copyFailed;
    }
    clear = window.setTimeout(() => {
      status.textContent = "";
    }, 10_000);
  });
  root.hidden = false;
}

export function initCopyLinks(scope = document) {
  scope.querySelectorAll('[data-module="amhe-copy"]').forEach((root) => {
    if (root.dataset.copyInit) return;
    root.dataset.copyInit = "true";
    init(root);
  });
}
