// planreport workbench: small improvements over the plain pages, which work without it.
//  - the returns form: drop files on it; each file's modification time goes with it;
//  - a job's page: polls its progress instead of reloading the page, and reloads when done.
(function () {
  "use strict";

  function uploadForm(form) {
    var input = form.querySelector("input[type=file]");
    var drop = form.querySelector(".drop");
    var picked = null; // files dropped, used instead of the input's
    if (drop) {
      drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.classList.add("over"); });
      drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
      drop.addEventListener("drop", function (e) {
        e.preventDefault();
        drop.classList.remove("over");
        picked = e.dataTransfer.files;
        if (picked.length) { send(); }
      });
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      send();
    });
    function send() {
      var files = picked || input.files;
      if (!files || !files.length) { input.reportValidity && input.reportValidity(); return; }
      var data = new FormData();
      // The CSRF token first: the server reads it before any file.
      data.append("csrf", form.querySelector("input[name=csrf]").value);
      for (var i = 0; i < files.length; i++) {
        data.append("mtime", String(files[i].lastModified || 0));
        data.append("files", files[i], files[i].name);
      }
      var button = form.querySelector("button");
      if (button) { button.disabled = true; button.textContent = "正在上传 " + files.length + " 个文件……"; }
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin" }).then(function (r) {
        if (r.redirected) { location.href = r.url; return; }
        return r.text().then(function (html) { document.open(); document.write(html); document.close(); });
      }).catch(function () {
        if (button) { button.disabled = false; button.textContent = "上传失败，请重试"; }
      });
    }
  }

  function jobPage(el) {
    if (el.getAttribute("data-finished") === "true") { return; }
    var id = el.getAttribute("data-job");
    var bar = document.getElementById("job-bar");
    function poll() {
      fetch("/jobs/" + id + "/progress", { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (p) {
        if (p.finished) { location.reload(); return; }
        var text = p.waiting || ((p.stage || "正在进行……") + (p.total ? " " + p.done + "/" + p.total : (p.done ? " 已完成 " + p.done + " 份" : "")));
        var line = document.getElementById("job-stage") || document.getElementById("job-waiting");
        if (line) { line.textContent = text; }
        if (bar && p.total) { bar.max = p.total; bar.value = p.done; }
        setTimeout(poll, 500);
      }).catch(function () { setTimeout(poll, 2000); });
    }
    setTimeout(poll, 300);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("upload-form");
    if (form && window.FormData && window.fetch) { uploadForm(form); }
    var job = document.getElementById("job");
    if (job && window.fetch) { jobPage(job); }
  });
})();
