// A page of an import still running (a paper's reading page, an annotation import's page): asks
// the API how far the import has got, moves the progress bar, and reloads the page once it has
// ended (the page then shows the result). `config.pending` names the statuses that mean "still
// running" (a paper's: importing). Without JavaScript, a <noscript> refresh does the same.

const config = JSON.parse(document.getElementById("import-poll").textContent);
const bar = document.getElementById("import-progress");
const text = document.getElementById("import-progress-text");
const pending = config.pending || ["importing"];

function later(delay = config.every) {
  window.setTimeout(poll, delay);
}

async function poll() {
  let response;
  try {
    response = await fetch(config.url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
  } catch {
    later(config.every * 2); // offline for a moment: keep trying, less often
    return;
  }
  if (response.status === 429 || response.status >= 500) {
    later(config.every * 4);
    return;
  }
  if (!response.ok) {
    window.location.reload(); // gone or no longer visible: the page says so
    return;
  }
  const item = await response.json();
  if (!pending.includes(item.status)) {
    window.location.reload();
    return;
  }
  bar.value = item.progress;
  text.textContent = `${item.progress}%`;
  later();
}

later();
