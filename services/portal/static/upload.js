// Upload with a progress bar: posts the upload form by XMLHttpRequest (the CSRF token in
// the X-CSRF-Token header, so the portal can stream the body on to the catalog), shows
// how much has been sent, then opens the file's quality report. Without this script the
// form posts as usual.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var box = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var percent = document.getElementById("upload-percent");
  var input = form.querySelector("input[type=file]");
  var button = form.querySelector("button[type=submit]");

  function showError(message) {
    var error = document.getElementById("file-error");
    if (!error) {
      error = document.createElement("p");
      error.id = "file-error";
      error.className = "field-error";
      error.setAttribute("role", "alert");
      input.parentNode.appendChild(error);
    }
    error.textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", "file-hint file-error");
    button.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    if (!input.files || !input.files.length) { return; }
    event.preventDefault();
    var body = new FormData();
    body.append("file", input.files[0], input.files[0].name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", form.getAttribute("data-csrf"));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) { return; }
      var done = Math.round(e.loaded * 100 / e.total);
      bar.value = done;
      percent.textContent = done + "%";
    });
    xhr.addEventListener("load", function () {
      var answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (ignored) { answer = {}; }
      if (xhr.status === 201 && answer.location) {
        bar.value = 100;
        percent.textContent = "100%";
        window.location.assign(answer.location);
      } else if (xhr.status === 401 || xhr.status === 303) {
        window.location.assign("/signin");
      } else {
        showError(answer.error || xhr.statusText || String(xhr.status));
      }
    });
    xhr.addEventListener("error", function () { showError(button.getAttribute("data-failed") || "upload failed"); });
    box.hidden = false;
    button.disabled = true;
    xhr.send(body);
  });
}());
