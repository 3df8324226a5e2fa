// The same registry through the other two dialects, read only: Azure API Management's
// authorizationServers of one service (subscription, resource group, service name), and
// Venafi's OAuth applications (rows of the same table as /api/2/apps).
import * as api from "./api.js";
import { h, view, field, table } from "./dom.js";

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
      result = table(`Authorization servers of ${svc}`, ["Name", "Display name", "Grant types", "Token endpoint", "Default scope"],
        list.value.map((s) => h("tr", {}, h("td", {}, h("code", {}, s.name)), h("td", {}, s.properties.displayName),
          h("td", {}, (s.properties.grantTypes || []).join(", ")), h("td", {}, s.properties.tokenEndpoint ?? "—"),
          h("td", {}, s.properties.defaultScope ?? "—"))));
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
    result = table("Venafi OAuth applications", ["Application ID", "Name", "Vendor", "Scope", "Access validity (s)", "Grants"],
      (r.Applications || []).map((a) => h("tr", {}, h("td", {}, h("code", {}, a.ID)), h("td", {}, a.Name),
        h("td", {}, a.Vendor ?? "—"), h("td", {}, a.Scope ?? "—"), h("td", {}, String(a.AccessValidity)),
        h("td", {}, String(a.GrantCount)))));
  } catch (e) {
    if (e.status === 401) throw e;
    result = h("p", { role: "alert" }, e.status === 403
      ? "Venafi's application API needs a Manage All credential (Venafi's admin scope)."
      : e.message);
  }
  show(h("h1", {}, "Venafi applications"),
    h("p", {}, "Applications seen through Venafi TPP's /vedsdk/oauth: the same rows as Applications."), result);
}
