// The console's entry point: the sign-in page, the hash router (#/servers, #/servers/7,
// #/apps, #/audit, ...) and the header. Each page lives in its own module.
import * as api from "./api.js";
import { h, view, field, formError, announce } from "./dom.js";
import { serversPage, serverPage, serverFormPage } from "./servers.js";
import { appsPage, appPage } from "./apps.js";
import { auditPage } from "./audit.js";
import { azurePage, azureEditPage, venafiPage, venafiEditPage } from "./vendors.js";

const routes = [
  [/^#\/servers\/new$/, () => serverFormPage(null)],
  [/^#\/servers\/(\d+)\/edit$/, (m) => serverFormPage(Number(m[1]))],
  [/^#\/servers\/(\d+)$/, (m) => serverPage(Number(m[1]))],
  [/^#\/servers(?:\?(.*))?$/, (m) => serversPage(new URLSearchParams(m[1] || ""))],
  [/^#\/apps\/(\d+)$/, (m) => appPage(Number(m[1]))],
  [/^#\/apps$/, () => appsPage()],
  [/^#\/audit(?:\?(.*))?$/, (m) => auditPage(new URLSearchParams(m[1] || ""))],
  [/^#\/azure\/edit\?(.*)$/, (m) => azureEditPage(new URLSearchParams(m[1]))],
  [/^#\/azure(?:\?(.*))?$/, (m) => azurePage(new URLSearchParams(m[1] || ""))],
  [/^#\/venafi\/edit\?(.*)$/, (m) => venafiEditPage(new URLSearchParams(m[1]))],
  [/^#\/venafi$/, () => venafiPage()],
];

let signOutReason = null;

function signInPage() {
  const show = view();
  document.getElementById("nav").hidden = true;
  document.getElementById("who").hidden = true;
  document.title = "Sign in · authzd console";
  const form = h("form", { class: "card signin", novalidate: true, "aria-labelledby": "signin-title" },
    signOutReason === "expired"
      ? h("p", { class: "notice", role: "alert" }, "Your session has ended. Sign in again.")
      : null,
    field({ label: "Client ID", name: "client_id", required: true, autocomplete: "username" }),
    field({ label: "Client secret", name: "client_secret", type: "password", required: true,
            autocomplete: "current-password",
            hint: "A management credential (authzctl credentials create, or var/admin-credential.json)." }),
    h("button", { type: "submit", class: "primary" }, "Sign in"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const id = form.elements.client_id.value.trim(), secret = form.elements.client_secret.value;
    if (!id || !secret) return formError(form, "Enter a client ID and its secret.");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await api.signIn(id, secret);
      signOutReason = null;
      if (!location.hash || location.hash === "#/" || location.hash === "#/signin") location.hash = "#/servers";
      else route();
    } catch (e) {
      formError(form, e.status === 401 ? "Wrong client ID or secret." :
        e.status === 429 ? "Too many attempts; wait a minute and try again." : `Sign-in failed: ${e.message}`);
    } finally {
      button.disabled = false;
    }
  });
  show(h("h1", { id: "signin-title" }, "Sign in"), form);
}

function header() {
  const s = api.current();
  document.getElementById("nav").hidden = false;
  const who = document.getElementById("who");
  who.hidden = false;
  const out = h("button", { type: "button", class: "link", onclick: () => api.signOut("user") }, "Sign out");
  who.replaceChildren(
    h("span", {}, `Tenant ${s.me.tenant} · ${s.me.can_manage ? "Manage All" : "read only"}`), " ", out);
  for (const a of document.querySelectorAll("#nav a")) {
    const here = location.hash.startsWith(a.getAttribute("href"));
    if (here) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
}

async function route() {
  if (!api.current()) return signInPage();
  header();
  const hash = location.hash || "#/servers";
  for (const [re, page] of routes) {
    const m = re.exec(hash);
    if (m) {
      try {
        await page(m);
      } catch (e) {
        if (e.status === 401 || (location.hash || "#/servers") !== hash) return;   // signed out already, or moved on
        view()(h("h1", {}, "Something went wrong"), h("p", { role: "alert" }, e.message));
      }
      return;
    }
  }
  view()(h("h1", {}, "Not found"), h("p", {}, "No such page. "), h("a", { href: "#/servers" }, "Servers"));
}

api.onSignOut((reason) => {
  signOutReason = reason;
  announce(reason === "expired" ? "Session ended" : "Signed out");
  signInPage();
});
window.addEventListener("hashchange", route);
route();
