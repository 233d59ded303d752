// Clientwise's behaviour on top of htmx: visible errors, no double submissions.
// No inline handlers and no eval, so the Content-Security-Policy needs neither.
(function () {
  "use strict";

  function errorBox() {
    return document.getElementById("request-error");
  }

  // The message takes the focus when the failed request was the person's own action; a part
  // refreshing itself (the health panel after a change) leaves the focus where they type.
  function showRequestError(kind, source) {
    const box = errorBox();
    if (!box) return;
    box.querySelector(".request-error-text").textContent = box.dataset[kind] || box.dataset.generic;
    box.hidden = false;
    const active = document.activeElement;
    if (!source || !active || active === document.body || source.contains(active)) box.focus();
  }

  function hideRequestError() {
    const box = errorBox();
    if (box) box.hidden = true;
  }

  // A failed read saved nothing and lost nothing: its message says to reload, not that a
  // change was not saved (the change that asked for the refresh was).
  function isRead(event) {
    const config = event.detail.requestConfig;
    return Boolean(config && config.verb === "get");
  }

  function kindForStatus(status, read) {
    if (status === 403) return "forbidden";
    if (status === 404 || status === 410) return "notFound";
    if (status >= 500 && !read) return "server";
    return "generic";
  }

  document.addEventListener("htmx:responseError", function (event) {
    showRequestError(kindForStatus(event.detail.xhr.status, isRead(event)), event.detail.elt);
  });
  document.addEventListener("htmx:sendError", function (event) {
    showRequestError(isRead(event) ? "generic" : "network", event.detail.elt);
  });
  document.addEventListener("htmx:timeout", function (event) {
    showRequestError(isRead(event) ? "generic" : "network", event.detail.elt);
  });
  document.addEventListener("htmx:beforeRequest", hideRequestError);

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-dismiss-error]")) hideRequestError();
  });

  // A second click on a submit button while the first request is on its way does nothing.
  // htmx forms prevent the default themselves and use hx-disabled-elt instead.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (event.defaultPrevented) return;
    if (form.dataset.submitting === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    form.setAttribute("aria-busy", "true");
    // Disable after the browser has read the submitter's name and value.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });

  // Coming back with the Back button restores a page from the cache: make its forms usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = false;
      });
    });
  });

  // Messages with data-autohide="ms" (the quick log's "Undo") fade away after a while.
  function scheduleAutohide(root) {
    root.querySelectorAll("[data-autohide]").forEach(function (element) {
      if (element.dataset.autohideScheduled) return;
      element.dataset.autohideScheduled = "true";
      window.setTimeout(function () {
        if (!element.contains(document.activeElement)) element.remove();
      }, parseInt(element.dataset.autohide, 10) || 8000);
    });
  }
  document.addEventListener("htmx:afterSettle", function () {
    scheduleAutohide(document);
  });
  document.addEventListener("htmx:oobAfterSwap", function () {
    scheduleAutohide(document);
  });

  // Forms that end or abandon something ask first: <form data-confirm="Question?">.
  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Forms saved as they change (the review): <form data-autosave>. If the page goes away
  // (a reload, a locked phone, another tab) before the last change reached the server, the
  // browser still delivers it with sendBeacon, cookies and CSRF token included.
  const unsaved = new Set();
  document.addEventListener("change", markUnsaved, true);
  document.addEventListener("input", markUnsaved, true);
  function markUnsaved(event) {
    const form = event.target.closest && event.target.closest("form[data-autosave]");
    if (form) unsaved.add(form);
  }
  document.addEventListener("htmx:afterRequest", function (event) {
    const form = event.detail.elt.closest && event.detail.elt.closest("form[data-autosave]");
    if (form && event.detail.successful) unsaved.delete(form);
  });
  document.addEventListener("submit", function (event) {
    unsaved.delete(event.target);
  });
  function flush() {
    unsaved.forEach(function (form) {
      if (navigator.sendBeacon) {
        navigator.sendBeacon(form.getAttribute("hx-post") || form.action, new FormData(form));
      }
    });
    unsaved.clear();
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });

  // Copy buttons: <button data-copy="#element-id">.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const source = document.querySelector(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.value || source.textContent.trim()).then(function () {
      const done = button.dataset.copied;
      if (done) button.textContent = done;
    });
  });
})();
