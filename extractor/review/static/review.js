// Keyboard shortcuts of the review pages. Nothing else: every page works without it.
"use strict";

(function () {
  const page = document.body.dataset.page;
  const typing = (target) => target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA");

  function go(href) { if (href) window.location.assign(href); }

  function itemKeys(event) {
    const form = document.getElementById("decide");
    const steps = document.querySelector("nav.steps");
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;  // Enter in a field submits the form with its first button: Save
    }
    const submit = (action) => {
      const button = document.getElementById(action);
      if (button) { event.preventDefault(); form.requestSubmit(button); }
    };
    switch (event.key) {
      case "j": case "n": go(steps.dataset.next); break;
      case "k": case "p": go(steps.dataset.previous); break;
      case "a": submit("accept"); break;
      case "r": submit("reject"); break;
      case "q": go(steps.dataset.queue); break;
      case "e": case "c": {
        const field = form.querySelector("input[name^='part_'], select[name^='part_']");
        if (field) { event.preventDefault(); field.focus(); if (field.select) field.select(); }
        break;
      }
      default: return;
    }
  }

  function queueKeys(event) {
    if (typing(event.target)) return;
    const rows = Array.from(document.querySelectorAll("table.queue tbody tr[data-href]"));
    if (!rows.length) return;
    let index = rows.findIndex((row) => row.classList.contains("selected"));
    if (event.key === "j" || event.key === "k") {
      event.preventDefault();
      if (index >= 0) rows[index].classList.remove("selected");
      index = event.key === "j" ? Math.min(rows.length - 1, index + 1) : Math.max(0, index - 1);
      rows[index].classList.add("selected");
      rows[index].scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter" || event.key === "o") {
      go(rows[Math.max(0, index)].dataset.href);
    }
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (page === "item") itemKeys(event);
    else if (page === "queue") queueKeys(event);
  });

  if (page === "item") {
    // An error keeps the reviewer in the field that needs fixing.
    const error = document.getElementById("error");
    const field = document.querySelector("#decide input[name^='part_']");
    if (error && field) field.focus();
  }
})();
