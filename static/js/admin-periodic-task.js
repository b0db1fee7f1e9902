// The periodic task form of django-celery-beat: shows the chosen crontab schedule in words under the field.
// It replaces the package's inline script, which the Content Security Policy blocks.
"use strict";
(function () {
  const label = document.currentScript.dataset.label;
  const data = document.getElementById("readable-crontabs");
  const select = document.getElementById("id_crontab");
  const help = document.querySelector(".field-crontab .help");
  if (!data || !select || !help) {
    return;
  }
  const readable = JSON.parse(data.textContent);
  const original = help.textContent.trim();
  const translationRow = document.querySelector(".field-crontab_translation");
  if (translationRow) {
    translationRow.style.display = "none";
  }
  select.addEventListener("change", function () {
    help.textContent = original;
    const words = readable[select.value];
    if (words) {
      help.append(document.createElement("br"), label + " " + words);
    }
  });
})();
