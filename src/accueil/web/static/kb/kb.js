// Knowledge base: copy buttons for filled suggested answers (progressive enhancement: the text stays selectable).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button.kb-copy");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(field.value);
    button.textContent = "Copié ✓";
  } catch (error) {
    field.focus();
    field.select();
    button.textContent = "Texte sélectionné : Ctrl+C pour copier";
  }
  setTimeout(() => { button.textContent = label; }, 2500);
});
