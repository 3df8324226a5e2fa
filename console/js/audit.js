// The audit trail (/api/authzd/v1/audit): who changed what and when, before and after,
// filtered by object and actor, newest first, paged by the last id seen.
import * as api from "./api.js";
import { h, view, field, fmtTime, table } from "./dom.js";

const A = "/api/authzd/v1/audit";
const TYPES = ["", "server", "scope", "claim", "client_app", "application", "credential", "access_token", "grant", "tenant"];

function json(v) {
  return v === null || v === undefined ? "—" : h("pre", { class: "diff" }, JSON.stringify(v, null, 1));
}

function rows(events) {
  return events.map((e) => h("tr", {},
    h("td", {}, fmtTime(e.occurred_at)), h("td", {}, h("code", {}, e.actor ?? "—")),
    h("td", {}, e.action), h("td", {}, `${e.object_type} ${e.object_id ?? ""}`),
    h("td", {}, json(e.before)), h("td", {}, json(e.after))));
}

const HEAD = ["When", "Actor", "Action", "Object", "Before", "After"];

// The last changes of one object, for its own page.
export async function recentChanges(type, id) {
  const events = await api.call("GET", `${A}?${new URLSearchParams({ object_type: type, object_id: id, limit: "10" })}`);
  return h("section", { "aria-labelledby": "changes-h" }, h("h2", { id: "changes-h" }, "Recent changes"),
    table("Recent changes", HEAD, rows(events)),
    h("p", {}, h("a", { href: `#/audit?${new URLSearchParams({ object_type: type, object_id: id })}` }, "Full history")));
}

export async function auditPage(params) {
  const show = view();
  const q = {};
  for (const k of ["object_type", "object_id", "actor", "before"]) if (params.get(k)) q[k] = params.get(k);
  const events = await api.call("GET", `${A}?${new URLSearchParams({ ...q, limit: "50" })}`);
  const type = h("select", { id: "audit-type", name: "object_type" },
    TYPES.map((t) => h("option", { value: t, selected: t === (q.object_type || "") }, t || "any")));
  const form = h("form", { class: "search filters", role: "search", "aria-label": "Filter the audit trail" },
    h("div", { class: "field" }, h("label", { for: "audit-type" }, "Object type"), type),
    field({ label: "Object ID", name: "object_id", value: q.object_id || "" }),
    field({ label: "Actor (client ID)", name: "actor", value: q.actor || "" }),
    h("button", { type: "submit" }, "Filter"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = {};
    for (const k of ["object_type", "object_id", "actor"]) if (form.elements[k].value.trim()) p[k] = form.elements[k].value.trim();
    location.hash = `#/audit?${new URLSearchParams(p)}`;
  });
  const older = events.length === 50
    ? h("a", { href: `#/audit?${new URLSearchParams({ ...q, before: String(events[events.length - 1].id) })}` }, "Older events")
    : null;
  show(h("h1", {}, "Audit trail"), form, table("Audit events, newest first", HEAD, rows(events)),
    h("nav", { class: "pager", "aria-label": "Pages" }, q.before ? h("a", { href: "#/audit" }, "Newest") : null, older));
}
