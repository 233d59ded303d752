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
    if (status === 409) return "conflict";
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

  // After the quick log answers, the focus goes back to its first field (ready for the next
  // entry), or to the first field it says is wrong.
  document.addEventListener("htmx:afterSettle", function (event) {
    const config = event.detail.requestConfig;
    if (!config || !config.elt || config.elt.id !== "quick-log") return;
    const form = document.getElementById("quick-log");
    if (!form) return;
    const field = form.querySelector("[aria-invalid=true]") || firstField(form);
    if (field && document.activeElement !== field) field.focus();
  });

  // A link to the quick log (<a href="#quick-log">) puts the cursor in its first field; a
  // .log-jump link floats on a phone while the form itself is out of sight.
  function firstField(form) {
    return form.querySelector("input:not([type=hidden]):not([disabled]), select, textarea");
  }
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest('a[href="#quick-log"]');
    const form = link && document.getElementById("quick-log");
    if (!form) return;
    event.preventDefault();
    form.scrollIntoView({ block: "start" });
    const field = firstField(form);
    if (field) field.focus({ preventScroll: true });
  });
  const jump = document.querySelector(".log-jump");
  if (jump && "IntersectionObserver" in window) {
    const watch = new IntersectionObserver(function (entries) {
      jump.hidden = entries.some(function (entry) { return entry.isIntersecting; });
    });
    const observe = function () {
      const form = document.getElementById("quick-log");
      watch.disconnect();
      if (form) watch.observe(form);
    };
    observe();
    // The form is swapped after each log (out of band) and with its errors (in place).
    document.addEventListener("htmx:oobAfterSwap", observe);
    document.addEventListener("htmx:afterSwap", observe);
  }

  // Once an entry is deleted or restored, the confirmation that offered to undo its logging
  // has said all it had to: one Undo on the page, the entry's own.
  document.addEventListener("htmx:afterRequest", function (event) {
    const target = event.detail.target;
    if (!event.detail.successful || !target || !target.id || target.id.indexOf("entry-") !== 0) return;
    const logged = document.getElementById("logged-" + target.id.slice("entry-".length));
    if (!logged) return;
    const active = document.activeElement;
    const hadFocus = !active || active === document.body || logged.contains(active);
    logged.remove();
    // The entry itself is on the page again by now (htmx swapped it before this event).
    const entry = hadFocus && document.getElementById(target.id);
    const button = entry && entry.querySelector("button");
    if (button) button.focus();
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

  // "Select all on this page": <input type="checkbox" data-select-all="form-id"> ticks every
  // checkbox of that form (form.elements has those tied to it by form="form-id" too). It sits in
  // a [hidden] wrapper until this script shows it: without JavaScript it could do nothing.
  function boxesOf(all) {
    const form = document.getElementById(all.dataset.selectAll);
    if (!form) return [];
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "checkbox" && element !== all;
    });
  }
  document.addEventListener("change", function (event) {
    const target = event.target;
    if (target.matches("[data-select-all]")) {
      boxesOf(target).forEach(function (box) {
        box.checked = target.checked;
      });
      return;
    }
    if (target.type !== "checkbox" || !target.form || !target.form.id) return;
    document.querySelectorAll('[data-select-all="' + target.form.id + '"]').forEach(function (all) {
      const boxes = boxesOf(all);
      const ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  });
  document.addEventListener("htmx:load", function (event) {
    event.detail.elt.querySelectorAll("[data-select-all]").forEach(function (all) {
      const hidden = all.closest("[hidden]");
      if (hidden) hidden.hidden = false;
    });
  });

  // The time zone field suggests the browser's own zone, never changing the value by itself:
  // <p data-time-zone-suggestion="select-id" data-old-names='{"Asia/Calcutta": "Asia/Kolkata"}'
  // hidden> holds a sentence with a {zone} placeholder and the button that uses it.
  function browserTimeZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }
  document.querySelectorAll("[data-time-zone-suggestion]").forEach(function (hint) {
    const select = document.getElementById(hint.dataset.timeZoneSuggestion);
    let zone = browserTimeZone();
    if (!select || select.disabled || !zone) return;
    try {
      zone = JSON.parse(hint.dataset.oldNames || "{}")[zone] || zone;
    } catch (error) {
      // No map of old names: the browser's name is used as it is.
    }
    const offered = Array.prototype.some.call(select.options, function (option) {
      return option.value === zone;
    });
    if (!offered) return;
    const sentence = hint.querySelector("[data-sentence]");
    const parts = sentence.dataset.sentence.split("{zone}");
    const name = document.createElement("strong");
    name.textContent = zone;
    sentence.replaceChildren(parts[0], name, parts.slice(1).join(zone));
    const update = function () {
      hint.hidden = select.value === zone;
    };
    hint.querySelector("button").addEventListener("click", function () {
      select.value = zone;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      select.focus();
    });
    select.addEventListener("change", update);
    update();
  });

  // Menus made of <details data-menu>: Escape closes the open one and gives the focus back to
  // its button; a click anywhere else closes it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) return;
    const menu = event.target.closest("details[data-menu][open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });

  // Fields that matter for one choice only: <fieldset data-shown-when="status=ended"> shows
  // while the form's "status" is "ended" (without script, every field stays in view). A part
  // holding an error is never hidden.
  function showWhen(root) {
    root.querySelectorAll("[data-shown-when]").forEach(function (part) {
      const [name, value] = part.dataset.shownWhen.split("=");
      const field = part.form ? part.form.elements[name] : part.closest("form").elements[name];
      if (!field) return;
      part.hidden = field.value !== value && !part.querySelector(".is-invalid");
    });
  }
  document.addEventListener("change", function (event) {
    const form = event.target.form;
    if (form && form.querySelector("[data-shown-when]")) showWhen(form);
  });
  document.addEventListener("DOMContentLoaded", function () { showWhen(document); });

  // Uploads larger than the server takes are refused before they are sent (the server
  // refuses them too): <form data-max-bytes="…" data-too-large="The file is larger…">.
  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-max-bytes]");
    if (!form) return;
    let bytes = 0;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.from(input.files || []).forEach(function (file) { bytes += file.size; });
    });
    const status = form.querySelector("[data-upload-status]");
    if (bytes > Number(form.dataset.maxBytes)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      if (status) { status.textContent = form.dataset.tooLarge; status.hidden = false; }
    } else if (status) {
      status.hidden = true;
    }
  }, true);
})();
