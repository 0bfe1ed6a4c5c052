// Live preview of a form being edited: the server renders the fields exactly as a counsellor will see them.
(function () {
  "use strict";
  var form = document.getElementById("form-editor"), target = document.getElementById("form-preview");
  var csrf = document.querySelector('meta[name="csrf-token"]').content, timer = null, sent = 0;
  function refresh() {
    var mine = ++sent;
    fetch(form.dataset.previewUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ schema: form.schema.value, ui: form.ui.value })
    }).then(function (response) { return response.json(); }).then(function (answer) {
      if (mine === sent) { target.innerHTML = answer.html; }
    });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
}());
