// The same registry through the other two dialects, read and edited in their own words:
// Azure API Management's authorizationServers of one service (subscription, resource group,
// service name; PATCH with the entity's ETag, Azure's validation details on their fields),
// and Venafi's OAuth applications (rows of the same table as /api/2/apps; UpdateApplication
// with the whole record, Venafi's Result and Error shown as they come).
import * as api from "./api.js";
import { h, view, field, table, announce, clearErrors, formError, setFieldError } from "./dom.js";

const AZ_VERSION = "2022-08-01";

export async function azurePage(params) {
  const show = view();
  const sub = params.get("sub") || "", rg = params.get("rg") || "", svc = params.get("svc") || "";
  const form = h("form", { class: "search filters", "aria-label": "Which API Management service" },
    field({ label: "Subscription", name: "sub", value: sub }),
    field({ label: "Resource group", name: "rg", value: rg }),
    field({ label: "Service name", name: "svc", value: svc }),
    h("button", { type: "submit" }, "Show servers"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams({ sub: form.elements.sub.value.trim(), rg: form.elements.rg.value.trim(),
      svc: form.elements.svc.value.trim() });
    location.hash = `#/azure?${p}`;
  });
  let result = h("p", {}, "Name a service to list its authorization servers.");
  if (sub && rg && svc) {
    const base = `/subscriptions/${encodeURIComponent(sub)}/resourceGroups/${encodeURIComponent(rg)}` +
      `/providers/Microsoft.ApiManagement/service/${encodeURIComponent(svc)}/authorizationServers`;
    try {
      const list = await api.call("GET", `${base}?api-version=${AZ_VERSION}&$top=100`);
      const manage = api.canManage();
      const cols = ["Name", "Display name", "Grant types", "Token endpoint", "Default scope"];
      result = table(`Authorization servers of ${svc}`, manage ? [...cols, "Actions"] : cols,
        list.value.map((s) => h("tr", {}, h("td", {}, h("code", {}, s.name)), h("td", {}, s.properties.displayName),
          h("td", {}, (s.properties.grantTypes || []).join(", ")), h("td", {}, s.properties.tokenEndpoint ?? "—"),
          h("td", {}, s.properties.defaultScope ?? "—"),
          manage ? h("td", {}, h("a", { href: `#/azure/edit?${new URLSearchParams({ sub, rg, svc, name: s.name })}`,
            "aria-label": `Edit ${s.name}` }, "Edit")) : null)));
    } catch (e) {
      if (e.status === 401) throw e;
      result = h("p", { role: "alert" }, e.status === 404 ? "No such service in this tenant." : e.message);
    }
  }
  show(h("h1", {}, "Azure API Management"),
    h("p", {}, "Servers registered through Azure's authorizationServers API (api-version 2022-08-01) are the same servers: each also appears under Servers."),
    form, result);
}

export async function venafiPage() {
  const show = view();
  let result;
  try {
    const r = await api.call("POST", "/vedsdk/oauth/EnumerateApplications", { body: { Start: 0, Count: 100 } });
    result = table("Venafi OAuth applications",
      ["Application ID", "Name", "Vendor", "Scope", "Access validity (s)", "Grants", "Actions"],
      (r.Applications || []).map((a) => h("tr", {}, h("td", {}, h("code", {}, a.ID)), h("td", {}, a.Name),
        h("td", {}, a.Vendor ?? "—"), h("td", {}, a.Scope ?? "—"), h("td", {}, String(a.AccessValidity)),
        h("td", {}, String(a.GrantCount)),
        h("td", {}, h("a", { href: `#/venafi/edit?${new URLSearchParams({ id: a.ID })}`, "aria-label": `Edit ${a.Name}` },
          "Edit")))));
  } catch (e) {
    if (e.status === 401) throw e;
    result = h("p", { role: "alert" }, e.status === 403
      ? "Venafi's application API needs a Manage All credential (Venafi's admin scope)."
      : e.message);
  }
  show(h("h1", {}, "Venafi applications"),
    h("p", {}, "Applications seen through Venafi TPP's /vedsdk/oauth: the same rows as Applications."), result);
}

// Azure's properties the form edits, by field name (Azure's own property names).
const AZ_FIELDS = [
  ["displayName", "Display name"], ["description", "Description"],
  ["clientRegistrationEndpoint", "Client registration endpoint"], ["authorizationEndpoint", "Authorization endpoint"],
  ["tokenEndpoint", "Token endpoint"], ["defaultScope", "Default scope"],
];
const AZ_GRANTS = ["authorizationCode", "implicit", "resourceOwnerPassword", "clientCredentials"];

function azurePath(p) {
  return `/subscriptions/${encodeURIComponent(p.get("sub"))}/resourceGroups/${encodeURIComponent(p.get("rg"))}` +
    `/providers/Microsoft.ApiManagement/service/${encodeURIComponent(p.get("svc"))}/authorizationServers/` +
    `${encodeURIComponent(p.get("name"))}?api-version=${AZ_VERSION}`;
}

// One Azure server edited through Azure's PATCH: only what changed is sent, with the ETag of
// what the form was filled from, so another writer's change in between is a 412, shown as a
// stale-edit warning instead of being overwritten.
export async function azureEditPage(params) {
  const show = view();
  const path = azurePath(params);
  const { data: srv, res } = await api.call("GET", path, { raw: true });
  const etag = res.headers.get("ETag");
  const back = `#/azure?${new URLSearchParams({ sub: params.get("sub"), rg: params.get("rg"), svc: params.get("svc") })}`;
  const p = srv.properties;
  const form = h("form", { class: "card", novalidate: true, "aria-label": `Edit ${srv.name}` },
    AZ_FIELDS.map(([name, label]) => field({ label, name, value: p[name] ?? "" })),
    h("fieldset", { class: "checks", dataset: { field: "grantTypes" } }, h("legend", {}, "Grant types"),
      AZ_GRANTS.map((g) => h("label", {}, h("input", { type: "checkbox", name: "grantTypes", value: g,
        checked: (p.grantTypes || []).includes(g) }), " ", g)),
      h("p", { class: "error", hidden: true })),
    h("button", { type: "submit", class: "primary" }, "Save"), " ", h("a", { href: back }, "Cancel"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const properties = {};
    for (const [name] of AZ_FIELDS) {
      const v = form.elements[name].value;
      if (v !== (p[name] ?? "")) properties[name] = v === "" && name !== "displayName" ? null : v;
    }
    const grants = [...form.querySelectorAll("input[name=grantTypes]:checked")].map((x) => x.value);
    if (JSON.stringify(grants) !== JSON.stringify(p.grantTypes || [])) properties.grantTypes = grants;
    try {
      await api.call("PATCH", path, { body: { properties }, headers: { "If-Match": etag } });
      announce("Server saved");
      location.hash = back;
    } catch (e) {
      if (e.status === 401) throw e;
      if (e.status === 412) {
        formError(form, "Someone else changed this server since you opened it. Reload to see their change, then edit again.");
        return;
      }
      const details = e.body?.error?.details || [];
      for (const d of details) setFieldError(form, d.target, d.message);
      formError(form, e.message);
    }
  });
  document.title = `Edit ${srv.name} · authzd console`;
  show(h("p", { class: "crumbs" }, h("a", { href: back }, `Azure · ${params.get("svc")}`), " / ", srv.name),
    h("h1", {}, `Edit ${srv.name}`), form);
}

const VEN_FIELDS = [
  ["Name", "Name"], ["Vendor", "Vendor"], ["Description", "Description"], ["Url", "URL"], ["Scope", "Scope"],
  ["AccessValidity", "Access validity (seconds)"],
];

// One Venafi application edited through UpdateApplication, which replaces the record: the
// record as GetApplication gave it, with the form's changes. Venafi answers HTTP 200 with a
// Result code; anything but 0 is shown with Venafi's Error text.
export async function venafiEditPage(params) {
  const show = view();
  const id = params.get("id");
  const got = await api.call("POST", "/vedsdk/oauth/GetApplication", { body: { ApplicationId: id } });
  const app = got.Application;
  if (!app) {
    show(h("h1", {}, "Venafi application"), h("p", { role: "alert" }, got.Error || "No such application."));
    return;
  }
  const form = h("form", { class: "card", novalidate: true, "aria-label": `Edit ${app.Name}` },
    VEN_FIELDS.map(([name, label]) => field({ label, name, value: app[name] == null ? "" : String(app[name]),
      inputmode: name === "AccessValidity" ? "numeric" : undefined })),
    h("button", { type: "submit", class: "primary" }, "Save"), " ", h("a", { href: "#/venafi" }, "Cancel"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const rec = { ...app };
    delete rec.GrantCount;
    for (const [name] of VEN_FIELDS) {
      const v = form.elements[name].value;
      rec[name] = name === "AccessValidity" ? Number(v) : (v === "" && name !== "Name" ? null : v);
    }
    const r = await api.call("POST", "/vedsdk/oauth/UpdateApplication", { body: { Application: rec } });
    if (r.Result !== 0) {
      formError(form, `Venafi refused it (Result ${r.Result}): ${r.Error}`);
      return;
    }
    announce("Application saved");
    location.hash = "#/venafi";
  });
  document.title = `Edit ${app.Name} · authzd console`;
  show(h("p", { class: "crumbs" }, h("a", { href: "#/venafi" }, "Venafi"), " / ", app.Name), h("h1", {}, `Edit ${app.Name}`),
    h("p", { class: "hint" }, `Application ID ${app.ID}`), form);
}
