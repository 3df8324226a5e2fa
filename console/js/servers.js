// Authorization servers through OneLogin's dialect (/api/2/api_authorizations): the
// searchable, paged list; a server's page (configuration, audiences, grant types, scopes,
// claims, linked client apps, its issuer and keys, its recent changes); create and edit
// with the API's own 422 messages on their fields and a warning when someone else changed
// the server meanwhile.
import * as api from "./api.js";
import { h, view, field, setFieldError, clearErrors, formError, fmtTime, table, announce } from "./dom.js";
import { recentChanges } from "./audit.js";

const PAGE = 20;
const S = "/api/2/api_authorizations";
// what each state of a ring's key means, in the words of the token service
const KEY_STATES = { current: "current (signs now)", next: "next (published, signs from its start)",
  previous: "previous (published until its tokens expire)" };

export async function serversPage(params) {
  const show = view();
  const q = params.get("q") || "";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const list = await api.call("GET", q ? `${S}?name=${encodeURIComponent(q)}` : S);
  const pages = Math.max(1, Math.ceil(list.length / PAGE));
  const shown = list.slice((page - 1) * PAGE, page * PAGE);
  const search = h("form", { class: "search", role: "search" },
    field({ label: "Search by name", name: "q", value: q, type: "search" }),
    h("button", { type: "submit" }, "Search"));
  search.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = search.elements.q.value.trim();
    location.hash = v ? `#/servers?q=${encodeURIComponent(v)}` : "#/servers";
  });
  const link = (p) => `#/servers?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
  const pager = h("nav", { class: "pager", "aria-label": "Pages" },
    page > 1 ? h("a", { href: link(page - 1) }, "Previous page") : null,
    h("span", {}, `Page ${page} of ${pages} · ${list.length} server${list.length === 1 ? "" : "s"}`),
    page < pages ? h("a", { href: link(page + 1) }, "Next page") : null);
  show(
    h("div", { class: "title-row" }, h("h1", {}, "Authorization servers"),
      api.canManage() ? h("a", { class: "button primary", href: "#/servers/new" }, "New server") : null),
    search,
    table("Servers of the tenant", ["ID", "Name", "Resource identifier", "Audiences"],
      shown.map((s) => h("tr", {},
        h("td", {}, String(s.id)),
        h("td", {}, h("a", { href: `#/servers/${s.id}` }, s.name)),
        h("td", {}, s.configuration.resource_identifier ?? "—"),
        h("td", {}, (s.configuration.audiences || []).join(", "))))),
    pager);
}

function dl(pairs) {
  return h("dl", { class: "props" }, pairs.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "—")]));
}

export async function serverPage(id) {
  const show = view();
  const [s, scopes, claims, clients, apps] = await Promise.all([
    api.call("GET", `${S}/${id}`), api.call("GET", `${S}/${id}/scopes`), api.call("GET", `${S}/${id}/claims`),
    api.call("GET", `${S}/${id}/clients`), api.call("GET", "/api/2/apps"),
  ]);
  const manage = api.canManage();
  const issuer = `${location.origin}/oauth2/${id}`;
  const [meta, jwks] = await Promise.all([
    api.publicGet(`/.well-known/oauth-authorization-server/oauth2/${id}`).catch(() => null),
    api.publicGet(`/oauth2/${id}/v1/keys`).catch(() => null),
  ]);
  // after the JWKS request, which makes the ring on a server's first use
  const ring = await api.call("GET", `/api/authzd/v1/servers/${id}/keys`).catch(() => null);
  document.title = `${s.name} · authzd console`;

  const scopeRows = scopes.map((sc) => h("tr", {},
    h("td", {}, h("code", {}, sc.value)), h("td", {}, sc.description),
    manage ? h("td", {}, h("button", { type: "button", class: "danger small", "aria-label": `Delete scope ${sc.value}`,
      onclick: async () => { await api.call("DELETE", `${S}/${id}/scopes/${sc.id}`); announce("Scope deleted"); serverPage(id); } },
      "Delete")) : null));

  const scopeForm = manage ? h("form", { class: "inline-form", "aria-label": "Add a scope" },
    field({ label: "Scope value", name: "value" }), field({ label: "Scope description", name: "description" }),
    h("button", { type: "submit" }, "Add scope")) : null;
  scopeForm?.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(scopeForm);
    try {
      await api.call("POST", `${S}/${id}/scopes`, { body: { value: scopeForm.elements.value.value,
        description: scopeForm.elements.description.value } });
      announce("Scope added");
      serverPage(id);
    } catch (e) { showApiError(scopeForm, e, { Value: "value", Description: "description" }); }
  });

  const appName = new Map(apps.map((a) => [a.id, a.name]));
  const clientRows = clients.map((c) => h("tr", {},
    h("td", {}, h("a", { href: `#/apps/${c.app_id}` }, c.name || appName.get(c.app_id) || String(c.app_id))),
    h("td", {}, c.scopes.map((x) => x.value).join(" ") || "—"),
    manage ? h("td", {}, h("button", { type: "button", class: "danger small", "aria-label": `Unlink ${c.name}`,
      onclick: async () => { await api.call("DELETE", `${S}/${id}/clients/${c.app_id}`); announce("Unlinked"); serverPage(id); } },
      "Unlink")) : null));

  let linkForm = null;
  const linkable = apps.filter((a) => !clients.some((c) => c.app_id === a.id));
  if (manage && linkable.length) {
    linkForm = h("form", { class: "inline-form", "aria-label": "Link a client app" },
      h("div", { class: "field", dataset: { field: "app_id" } },
        h("label", { for: "link-app" }, "Application"),
        h("select", { id: "link-app", name: "app_id" }, linkable.map((a) => h("option", { value: a.id }, a.name))),
        h("p", { class: "error", hidden: true })),
      h("fieldset", { class: "checks" }, h("legend", {}, "Scopes it may ask for"),
        scopes.length ? scopes.map((sc) => h("label", {}, h("input", { type: "checkbox", name: "scope", value: sc.id }), " ", sc.value))
          : h("p", {}, "This server has no scopes yet.")),
      h("button", { type: "submit" }, "Link application"));
    linkForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clearErrors(linkForm);
      const picked = [...linkForm.querySelectorAll("input[name=scope]:checked")].map((x) => Number(x.value));
      try {
        await api.call("POST", `${S}/${id}/clients`, { body: { app_id: Number(linkForm.elements.app_id.value), scopes: picked } });
        announce("Application linked");
        serverPage(id);
      } catch (e) { showApiError(linkForm, e, { App: "app_id" }); }
    });
  }

  const preview = previewForm(id, s, apps, clients);

  const del = manage ? deleteControl(`server ${s.name}`, async () => {
    await api.call("DELETE", `${S}/${id}`);
    announce("Server deleted");
    location.hash = "#/servers";
  }) : null;

  show(
    h("p", { class: "crumbs" }, h("a", { href: "#/servers" }, "Servers"), " / ", s.name),
    h("div", { class: "title-row" }, h("h1", {}, s.name),
      manage ? h("a", { class: "button", href: `#/servers/${id}/edit` }, "Edit") : null, del),
    h("section", { "aria-labelledby": "conf-h" }, h("h2", { id: "conf-h" }, "Configuration"),
      dl([["ID", String(s.id)], ["Description", s.description],
        ["Resource identifier", s.configuration.resource_identifier],
        ["Access token lifetime", `${s.configuration.access_token_expiration_minutes} minutes`],
        ["Refresh token lifetime", `${s.configuration.refresh_token_expiration_minutes} minutes`],
        ["Grant types", meta ? (meta.grant_types_supported || []).join(", ") : "—"]])),
    h("section", { "aria-labelledby": "aud-h" }, h("h2", { id: "aud-h" }, "Audiences"),
      h("ul", { class: "plain" }, s.configuration.audiences.map((a) => h("li", {}, h("code", {}, a))))),
    h("section", { "aria-labelledby": "scopes-h" }, h("h2", { id: "scopes-h" }, "Scopes"),
      table("Scopes", manage ? ["Value", "Description", "Actions"] : ["Value", "Description"], scopeRows), scopeForm),
    h("section", { "aria-labelledby": "claims-h" }, h("h2", { id: "claims-h" }, "Claims"),
      table("Claims", ["Name", "Label", "User attribute"], claims.map((c) => h("tr", {},
        h("td", {}, c.name), h("td", {}, c.label ?? "—"), h("td", {}, c.user_attribute_mappings ?? "—"))))),
    h("section", { "aria-labelledby": "clients-h" }, h("h2", { id: "clients-h" }, "Client apps"),
      table("Linked client apps", manage ? ["Application", "Scopes", "Actions"] : ["Application", "Scopes"], clientRows),
      linkForm),
    h("section", { "aria-labelledby": "tokens-h" }, h("h2", { id: "tokens-h" }, "Tokens"),
      dl([["Issuer", meta ? meta.issuer : issuer], ["Token endpoint", meta?.token_endpoint],
        ["JWKS", meta?.jwks_uri], ["Signing algorithms", (meta?.access_token_signing_alg_values_supported || []).join(", ")]]),
      ring ? dl([["Next key rotation", ring.next_rotation_at ? fmtTime(ring.next_rotation_at) : "—"],
        ["Rotation period", `${ring.rotation_days} days`]]) : null,
      ring ? table("Signing keys", ["Key ID", "Algorithm", "State", "Published", "Signs from"], ring.keys.map((k) =>
        h("tr", {}, h("td", {}, h("code", {}, k.kid)), h("td", {}, k.alg),
          h("td", {}, h("span", { class: `state state-${k.state}` }, KEY_STATES[k.state] ?? k.state)),
          h("td", {}, fmtTime(k.published_at)), h("td", {}, fmtTime(k.signs_from))))) : null,
      jwks ? h("p", { class: "hint" }, `The JWKS publishes ${jwks.keys.length} of them.`) : null),
    preview,
    await recentChanges("server", String(id)));
}

// The token preview: pick a client, scopes and a resource; see the token this server would
// issue, decoded, or the error its token endpoint would answer (POST .../token-preview, a
// read: nothing is signed or stored). Linked clients come first.
function previewForm(id, s, apps, clients) {
  const linked = new Set(clients.map((c) => c.app_id));
  const ordered = [...apps].sort((a, b) => Number(linked.has(b.id)) - Number(linked.has(a.id)));
  const out = h("div", { class: "preview-out", "aria-live": "polite" });
  const resources = [s.configuration.resource_identifier, ...s.configuration.audiences].filter(Boolean);
  const form = h("form", { class: "inline-form", "aria-label": "Token preview" },
    h("div", { class: "field" }, h("label", { for: "preview-client" }, "Client"),
      h("select", { id: "preview-client", name: "client_id" }, ordered.map((a) =>
        h("option", { value: a.sso.client_id }, linked.has(a.id) ? a.name : `${a.name} (not linked)`)))),
    field({ label: "Scopes (space separated; empty: all it is granted)", name: "scope" }),
    h("div", { class: "field" }, h("label", { for: "preview-resource" }, "Resource"),
      h("select", { id: "preview-resource", name: "resource" }, h("option", { value: "" }, "(none: every audience)"),
        [...new Set(resources)].map((r) => h("option", { value: r }, r)))),
    h("button", { type: "submit" }, "Preview token"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { client_id: form.elements.client_id.value };
    if (form.elements.scope.value.trim()) body.scope = form.elements.scope.value.trim();
    if (form.elements.resource.value) body.resource = form.elements.resource.value;
    try {
      const p = await api.call("POST", `/api/authzd/v1/servers/${id}/token-preview`, { body });
      out.replaceChildren(...(p.issued
        ? [h("h3", {}, `Would issue a token for ${p.expires_in} seconds`),
           h("p", { class: "hint" }, "Header"), h("pre", { class: "json", "aria-label": "Token header" }, JSON.stringify(p.header, null, 2)),
           h("p", { class: "hint" }, "Claims (iat, exp and jti are new for each token)"),
           h("pre", { class: "json", "aria-label": "Token claims" }, JSON.stringify(p.claims, null, 2))]
        : [h("h3", {}, `Would refuse: ${p.status} ${p.error}`), h("p", { class: "preview-error" }, p.error_description || "")]));
      announce(p.issued ? "Token preview ready" : `The server would refuse: ${p.error}`);
    } catch (e) { formError(form, e.message); }
  });
  return h("section", { "aria-labelledby": "preview-h" }, h("h2", { id: "preview-h" }, "Token preview"),
    apps.length ? form : h("p", {}, "No client applications yet."), out);
}

// A delete button that asks once more in the page (no window.confirm: it is not styled
// and some screen readers announce it poorly).
export function deleteControl(what, action) {
  const box = h("span", { class: "confirm" });
  const ask = h("button", { type: "button", class: "danger" }, "Delete");
  ask.addEventListener("click", () => {
    const yes = h("button", { type: "button", class: "danger" }, `Delete ${what}`);
    const no = h("button", { type: "button" }, "Cancel");
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      try { await action(); } catch (e) { box.replaceChildren(h("span", { role: "alert" }, e.message)); }
    });
    no.addEventListener("click", () => { box.replaceChildren(ask); ask.focus(); });
    box.replaceChildren(h("span", {}, "Really? "), yes, " ", no);
    yes.focus();
  });
  box.append(ask);
  return box;
}

// OneLogin's 422 is one sentence: "Validation failed: Name can't be blank, Audiences can't
// contain duplicates". Each part starts with a field's humanized name; each goes under its
// field. A 400 names its field in "field". Anything else is a message for the whole form.
export function showApiError(form, e, labels) {
  if (e.status === 401) return;
  const body = e.body || {};
  if (e.status === 400 && body.field) {
    const name = body.field.replace(/^configuration\./, "");
    if (setFieldError(form, name, body.message)) return focusFirstError(form);
  }
  if (e.status === 422 && typeof body.message === "string" && body.message.startsWith("Validation failed: ")) {
    const text = body.message.slice("Validation failed: ".length);
    const names = Object.keys(labels).sort((a, b) => b.length - a.length);
    const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const parts = text.split(new RegExp(`, (?=(?:${names.map(esc).join("|")}) )`));
    const rest = [];
    const byField = new Map();
    for (const p of parts) {
      const label = names.find((n) => p.startsWith(n + " "));
      if (label) byField.set(labels[label], [...(byField.get(labels[label]) || []), p]);
      else rest.push(p);
    }
    for (const [name, msgs] of byField) if (!setFieldError(form, name, msgs.join("; "))) rest.push(...msgs);
    if (rest.length) formError(form, rest.join("; "));
    else focusFirstError(form);
    return;
  }
  formError(form, e.status === 403 ? "This credential may not change anything (read only)." : e.message);
}

function focusFirstError(form) {
  const bad = form.querySelector("[aria-invalid=true]");
  if (bad) bad.focus();
}

const SERVER_LABELS = {
  Name: "name", Description: "description", "Resource identifier": "resource_identifier", Audiences: "audiences",
  "Access token expiration minutes": "access_token_expiration_minutes",
  "Refresh token expiration minutes": "refresh_token_expiration_minutes",
};

function bodyFrom(form) {
  const int = (v) => (/^\s*-?\d+\s*$/.test(v) ? Number(v) : v);
  const desc = form.elements.description.value;
  return {
    name: form.elements.name.value,
    description: desc === "" ? null : desc,
    configuration: {
      resource_identifier: form.elements.resource_identifier.value,
      audiences: form.elements.audiences.value.split("\n").map((x) => x.replace(/\r$/, "")).filter((x) => x !== ""),
      access_token_expiration_minutes: int(form.elements.access_token_expiration_minutes.value),
      refresh_token_expiration_minutes: int(form.elements.refresh_token_expiration_minutes.value),
    },
  };
}

export async function serverFormPage(id) {
  const show = view();
  const editing = id !== null;
  if (!api.canManage()) {
    show(h("h1", {}, "Read only"), h("p", {}, "This credential can read but not change servers."));
    return;
  }
  const loaded = editing ? await api.call("GET", `${S}/${id}`) : null;
  const c = loaded?.configuration || { audiences: [], access_token_expiration_minutes: 10, refresh_token_expiration_minutes: 30 };
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "form-h" },
    field({ label: "Name", name: "name", value: loaded?.name ?? "" }),
    field({ label: "Description", name: "description", value: loaded?.description ?? "", rows: 2 }),
    field({ label: "Resource identifier", name: "resource_identifier", value: c.resource_identifier ?? "",
            hint: "An absolute URI, e.g. https://api.example.com or urn:example:api." }),
    field({ label: "Audiences", name: "audiences", value: (c.audiences || []).join("\n"), rows: 3,
            hint: "One per line." }),
    field({ label: "Access token lifetime (minutes)", name: "access_token_expiration_minutes", inputmode: "numeric",
            value: String(c.access_token_expiration_minutes), hint: "1 to 1440." }),
    field({ label: "Refresh token lifetime (minutes)", name: "refresh_token_expiration_minutes", inputmode: "numeric",
            value: String(c.refresh_token_expiration_minutes), hint: "1 to 525600." }),
    editing ? null : field({ label: "Scopes", name: "scopes", rows: 3,
      hint: "Optional. One per line: the value, a space, then its description (read Read contacts)." }),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, editing ? "Save changes" : "Create server"),
      h("a", { href: editing ? `#/servers/${id}` : "#/servers" }, "Cancel")));
  let force = false;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    form.querySelector(".stale")?.remove();
    const body = bodyFrom(form);
    try {
      if (editing) {
        // Someone else may have saved since this form was filled: their version wins
        // unless the operator, shown it, saves over it knowingly.
        const now = await api.call("GET", `${S}/${id}`);
        if (!force && JSON.stringify(now) !== JSON.stringify(loaded)) {
          staleWarning(form, now, () => { force = true; form.requestSubmit(); });
          return;
        }
        await api.call("PUT", `${S}/${id}`, { body });
        announce("Server saved");
        location.hash = `#/servers/${id}`;
      } else {
        const lines = form.elements.scopes.value.split("\n").map((l) => l.trim()).filter(Boolean);
        const created = await api.call("POST", S, { body });
        for (const l of lines) {
          const [value, ...d] = l.split(/\s+/);
          await api.call("POST", `${S}/${created.id}/scopes`, { body: { value, description: d.join(" ") || value } });
        }
        announce("Server created");
        location.hash = `#/servers/${created.id}`;
      }
    } catch (e) {
      showApiError(form, e, SERVER_LABELS);
    }
  });
  show(
    h("p", { class: "crumbs" }, h("a", { href: "#/servers" }, "Servers"), editing ? [" / ", h("a", { href: `#/servers/${id}` }, loaded.name)] : null),
    h("h1", { id: "form-h" }, editing ? `Edit ${loaded.name}` : "New authorization server"), form);
}

function staleWarning(form, now, overwrite) {
  const reload = h("button", { type: "button" }, "Discard mine and load theirs");
  reload.addEventListener("click", () => serverFormPage(now.id));
  const save = h("button", { type: "button", class: "danger" }, "Save mine over theirs");
  save.addEventListener("click", overwrite);
  const box = h("div", { class: "stale", role: "alert", tabindex: "-1" },
    h("h2", {}, "Someone else changed this server"),
    h("p", {}, "It was saved by someone else after you opened this form. Their version now:"),
    h("pre", { tabindex: "0", "aria-label": "Their version" }, JSON.stringify(now, null, 2)), h("div", { class: "actions" }, reload, save));
  form.prepend(box);
  box.focus();
}
