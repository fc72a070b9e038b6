// Invite links on the group page: a Copy button beside each link's read-only field. Without
// JavaScript the buttons stay hidden and the field can be selected and copied by hand.

for (const button of document.querySelectorAll("button[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  if (!field) continue;
  button.hidden = false;
  const label = button.firstChild.textContent;
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      button.firstChild.textContent = "Copied";
    } catch {
      // No clipboard access (e.g. not a secure context): the text stays selected for Ctrl+C.
      button.firstChild.textContent = "Selected: press Ctrl+C";
    }
    setTimeout(() => { button.firstChild.textContent = label; }, 2500);
  });
}
