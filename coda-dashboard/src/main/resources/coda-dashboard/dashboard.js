// Coda's task dashboard: the overview's live counts and activity (server-sent events) and confirmations of actions.
// Served from the dashboard's jar; the pages allow no other script (Content-Security-Policy: script-src 'self').
"use strict";

/** Swaps in the counts and the last hour's activity the server sends (HTML it rendered and escaped) when they change. */
function followCounts(section) {
  const feed = new EventSource(section.dataset.feed);
  feed.addEventListener("counts", (event) => {
    section.innerHTML = event.data;
    section.dataset.updated = String(Date.now());
  });
  const activity = document.getElementById("activity");
  if (activity) {
    feed.addEventListener("activity", (event) => {
      activity.innerHTML = event.data;
      activity.dataset.updated = String(Date.now());
    });
  }
  feed.addEventListener("open", () => section.classList.remove("stale"));
  feed.addEventListener("error", () => section.classList.add("stale"));
}

/** Asks before an action runs: a button's data-confirm text. */
function confirmActions() {
  document.addEventListener("submit", (event) => {
    const button = event.submitter || event.target.querySelector("button[data-confirm]");
    const question = button && button.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const live = document.querySelector("section.live[data-feed]");
  if (live) {
    followCounts(live);
  }
  confirmActions();
});
