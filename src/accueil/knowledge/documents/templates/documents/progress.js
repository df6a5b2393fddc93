// Polls the import job shown on /kb/documents (the page works without it: « Actualiser »).
(function () {
  var box = document.getElementById("import");
  if (!box) { return; }
  function poll() {
    fetch("/api/v1/kb/documents/jobs/" + box.dataset.job, {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        document.getElementById("job-status").textContent = job.statut;
        document.getElementById("job-progress").value = job.traites;
        document.getElementById("job-count").textContent = job.traites + " / " + job.total;
        var list = document.getElementById("job-files");
        list.replaceChildren.apply(list, job.fichiers.map(function (f) {
          var li = document.createElement("li");
          li.textContent = f.fichier + " : " + f.statut + (f.message ? " — " + f.message : "");
          return li;
        }));
        if (job.statut === "pending" || job.statut === "running") { setTimeout(poll, 1000); }
        else { setTimeout(function () { window.location.reload(); }, 800); }
      });
  }
  setTimeout(poll, 1000);
})();
