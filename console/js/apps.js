// Client applications (OneLogin's /api/2/apps) and their secrets (authzd's own
// /api/authzd/v1/apps/:id/secrets): a new secret is shown once, with a copy button; an old
// one keeps working until it is retired, so a client can move over first.
import * as api from "./api.js";
import { h, view, field, clearErrors, fmtTime, table, announce } from "./dom.js";
import { deleteControl, showApiError } from "./servers.js";
import { recentChanges } from "./audit.js";

const N = "/api/authzd/v1/apps";

// The one time a secret is readable: a warning, the value, and a copy button.
function secretOnce(label, clientId, secret) {
  const id = `secret-${Math.random().toString(36).slice(2)}`;
  const out = h("output", { id, class: "secret" }, secret);
  const copy = h("button", { type: "button" }, "Copy secret");
  const done = h("span", { role: "status" });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(secret);
      done.textContent = "Copied.";
    } catch {
      getSelection().selectAllChildren(out);
      done.textContent = "Selected: press Ctrl+C to copy.";
    }
  });
  return h("div", { class: "once", role: "alert", tabindex: "-1" },
    h("h2", {}, label),
    h("p", { class: "warning" }, "Copy this secret now: it is shown only once and cannot be read again."),
    clientId ? h("p", {}, "Client ID ", h("code", { class: "client-id" }, clientId)) : null,
    h("p", {}, h("label", { for: id }, "Client secret "), out), copy, " ", done);
}

export async function appsPage(created) {
  const show = view();
  const apps = await api.call("GET", "/api/2/apps");
  const manage = api.canManage();
  let form = null;
  if (manage) {
    form = h("form", { class: "card", novalidate: true, "aria-labelledby": "new-app-h" },
      h("h2", { id: "new-app-h" }, "New application"),
      field({ label: "Application name", name: "name" }),
      field({ label: "Application description", name: "description" }),
      h("button", { type: "submit", class: "primary" }, "Create application"));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      try {
        const desc = form.elements.description.value;
        const a = await api.call("POST", "/api/2/apps", { body: { name: form.elements.name.value, description: desc || null } });
        announce("Application created");
        await appsPage(a);
      } catch (e) { showApiError(form, e, { Name: "name", Description: "description" }); }
    });
  }
  show(h("h1", {}, "Client applications"),
    created && created.sso ? secretOnce(`${created.name} created`, created.sso.client_id, created.sso.client_secret) : null,
    table("Applications of the tenant", ["Name", "Client ID", "Created", "Updated"], apps.map((a) => h("tr", {},
      h("td", {}, h("a", { href: `#/apps/${a.id}` }, a.name)), h("td", {}, h("code", {}, a.sso.client_id)),
      h("td", {}, fmtTime(a.created_at)), h("td", {}, fmtTime(a.updated_at))))),
    form);
  const once = document.querySelector(".once");
  if (once) once.focus();
}

export async function appPage(id, fresh) {
  const show = view();
  const [a, secrets, servers] = await Promise.all([
    api.call("GET", `/api/2/apps/${id}`), api.call("GET", `${N}/${id}/secrets`),
    api.call("GET", "/api/2/api_authorizations"),
  ]);
  const manage = api.canManage();
  // which servers it is linked to: each server's client list (the first 50 servers)
  const links = [];
  await Promise.all(servers.slice(0, 50).map(async (s) => {
    const cl = await api.call("GET", `/api/2/api_authorizations/${s.id}/clients`);
    const mine = cl.find((c) => c.app_id === id);
    if (mine) links.push({ server: s, scopes: mine.scopes });
  }));
  links.sort((x, y) => x.server.id - y.server.id);
  const rotate = manage ? h("button", { type: "button", class: "primary" }, "Add a new secret") : null;
  rotate?.addEventListener("click", async () => {
    rotate.disabled = true;
    try {
      const s = await api.call("POST", `${N}/${id}/secrets`);
      announce("New secret added");
      await appPage(id, s);
    } finally { rotate.disabled = false; }
  });
  const secretRows = secrets.map((s) => h("tr", {},
    h("td", {}, String(s.id)), h("td", {}, fmtTime(s.created_at)), h("td", {}, fmtTime(s.last_used_at)),
    manage ? h("td", {}, secrets.length > 1 ? h("button", { type: "button", class: "danger small",
      "aria-label": `Retire secret ${s.id}`, onclick: async (ev) => {
        ev.currentTarget.disabled = true;
        try { await api.call("DELETE", `${N}/${id}/secrets/${s.id}`); announce("Secret retired"); await appPage(id); }
        catch (e) { ev.currentTarget.replaceWith(h("span", { role: "alert" }, e.message)); }
      } }, "Retire") : h("span", {}, "the only secret")) : null));
  show(
    h("p", { class: "crumbs" }, h("a", { href: "#/apps" }, "Applications"), " / ", a.name),
    h("div", { class: "title-row" }, h("h1", {}, a.name), manage ? deleteControl(`application ${a.name}`, async () => {
      await api.call("DELETE", `/api/2/apps/${id}`);
      announce("Application deleted");
      location.hash = "#/apps";
    }) : null),
    fresh ? secretOnce("New secret", null, fresh.client_secret) : null,
    h("dl", { class: "props" }, h("dt", {}, "Client ID"), h("dd", {}, h("code", {}, a.sso.client_id)),
      h("dt", {}, "Description"), h("dd", {}, a.description ?? "—"),
      h("dt", {}, "Created"), h("dd", {}, fmtTime(a.created_at)), h("dt", {}, "Updated"), h("dd", {}, fmtTime(a.updated_at))),
    h("section", { "aria-labelledby": "sec-h" }, h("h2", { id: "sec-h" }, "Secrets"),
      h("p", {}, "Every secret listed works. To rotate: add a new secret, move the client to it, then retire the old one."),
      table("Secrets", manage ? ["ID", "Created", "Last used", "Actions"] : ["ID", "Created", "Last used"], secretRows),
      rotate),
    h("section", { "aria-labelledby": "links-h" }, h("h2", { id: "links-h" }, "Linked servers"),
      table("Servers this application may get tokens from", ["Server", "Scopes"], links.map((l) => h("tr", {},
        h("td", {}, h("a", { href: `#/servers/${l.server.id}` }, l.server.name)),
        h("td", {}, l.scopes.map((x) => x.value).join(" ") || "—")))),
      manage ? h("p", {}, "Link it from a server's page.") : null),
    await recentChanges("application", String(id)));
  const once = document.querySelector(".once");
  if (once) once.focus();
}
