// Building the page without innerHTML: every value from the API becomes a text node, so
// nothing a server name holds can run as markup (and the CSP forbids inline code anyway).

// h("button", {class: "x", onclick: fn}, "text", child, ...)
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Each page starts a view; only the newest may draw. A page still loading when the
// operator has moved on (a slow answer) then cannot paint over the page they went to.
let generation = 0;
export function view() {
  const mine = ++generation;
  return (...children) => { if (mine === generation) show(...children); };
}

// Replaces what main shows and moves focus to the new page's heading (screen readers
// announce it; keyboard users start there).
function show(...children) {
  const main = document.getElementById("main");
  main.replaceChildren(...children.flat().filter(Boolean));
  const heading = main.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
}

export function announce(text) {
  const s = document.getElementById("status");
  s.textContent = "";
  setTimeout(() => { s.textContent = text; }, 50);
}

let uid = 0;
// A labelled form field: {label, name, value, type, hint, required, rows}
export function field(opts) {
  const id = `f-${opts.name.replace(/[^a-z0-9]/gi, "-")}-${++uid}`;
  const hintId = opts.hint ? `${id}-hint` : null;
  const errId = `${id}-err`;
  const attrs = {
    id, name: opts.name, required: opts.required, "aria-describedby": [hintId, errId].filter(Boolean).join(" "),
    autocomplete: opts.autocomplete || "off", spellcheck: "false",
  };
  let input;
  if (opts.rows) {
    input = h("textarea", { ...attrs, rows: opts.rows });
    input.value = opts.value ?? "";
  } else {
    input = h("input", { ...attrs, type: opts.type || "text", inputmode: opts.inputmode, min: opts.min, max: opts.max });
    input.value = opts.value ?? "";
  }
  return h("div", { class: "field", dataset: { field: opts.name } },
    h("label", { for: id }, opts.label),
    opts.hint ? h("p", { class: "hint", id: hintId }, opts.hint) : null,
    input,
    h("p", { class: "error", id: errId, hidden: true }));
}

// Marks a field of form invalid with message (or clears it with null).
export function setFieldError(form, name, message) {
  const box = form.querySelector(`[data-field="${name}"]`);
  if (!box) return false;
  const input = box.querySelector("input, textarea, select");
  const err = box.querySelector(".error");
  if (message) {
    err.textContent = message;
    err.hidden = false;
    input.setAttribute("aria-invalid", "true");
  } else {
    err.textContent = "";
    err.hidden = true;
    input.removeAttribute("aria-invalid");
  }
  return true;
}

export function clearErrors(form) {
  for (const box of form.querySelectorAll("[data-field]")) setFieldError(form, box.dataset.field, null);
  const banner = form.querySelector(".form-error");
  if (banner) banner.remove();
}

// An error for the whole form, focused so that it is read out.
export function formError(form, message) {
  let banner = form.querySelector(".form-error");
  if (!banner) {
    banner = h("div", { class: "form-error", role: "alert", tabindex: "-1" });
    form.prepend(banner);
  }
  banner.textContent = message;
  banner.focus();
}

export function fmtTime(iso) {
  if (!iso) return "never";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

// A table with a caption and header cells scoped to their columns.
export function table(caption, headers, rows) {
  // scrollable on a narrow window: a named region that takes focus, so a keyboard can scroll it
  return h("div", { class: "table-wrap", role: "region", "aria-label": `${caption} (table)`, tabindex: "0" },
    h("table", {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: headers.length }, "None yet.")))));
}
