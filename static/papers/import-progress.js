// The reading page of a paper still being imported: asks the API how far the import has got,
// moves the progress bar, and reloads the page once the paper is ready or has failed. Without
// JavaScript, a <noscript> refresh in the page does the same, less smoothly.

const config = JSON.parse(document.getElementById("import-poll").textContent);
const bar = document.getElementById("import-progress");
const text = document.getElementById("import-progress-text");

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
  const paper = await response.json();
  if (paper.status !== "importing") {
    window.location.reload();
    return;
  }
  bar.value = paper.progress;
  text.textContent = `${paper.progress}%`;
  later();
}

later();
