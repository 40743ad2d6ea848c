// The export page's progress bar: asks the job's status every two seconds until it is
// done, then shows the download link. Without script, the page says to refresh.
(function () {
  "use strict";
  const box = document.querySelector("[data-export-status]");
  if (!box || !["queued", "running"].includes(box.dataset.state)) return;
  const bar = box.querySelector("progress");
  const count = box.querySelector(".export-count");
  const download = box.querySelector(".export-download");
  const label = document.getElementById("export-progress-label");

  async function poll() {
    let status;
    try {
      const response = await fetch(box.dataset.exportStatus, { credentials: "same-origin" });
      status = await response.json();
    } catch (error) {
      setTimeout(poll, 5000);
      return;
    }
    bar.max = Math.max(status.total, 1);
    bar.value = status.done;
    bar.textContent = status.percent + "%";
    count.textContent = status.done + " / " + status.total;
    if (status.state === "done") {
      bar.value = bar.max;
      download.hidden = false;
      label.textContent = download.textContent.trim();
    } else if (status.state === "failed" || status.state === "expired") {
      window.location.reload();
    } else {
      setTimeout(poll, 2000);
    }
  }
  setTimeout(poll, 1000);
})();
