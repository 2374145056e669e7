// The customer's contest page. The decision id and token come from the URL
// fragment (never sent to a server) and travel only as a Bearer credential.
// Texts come translated from the page itself (the #messages data block).
"use strict";

const T = JSON.parse(document.getElementById("messages").textContent);
const LANG = document.documentElement.lang;

function t(key, values) {
  let text = T[key] || key;
  for (const [name, value] of Object.entries(values || {})) {
    text = text.split("{" + name + "}").join(value);
  }
  return text;
}

function params() {
  const values = new URLSearchParams(window.location.hash.slice(1));
  return { id: values.get("decision") || "", token: values.get("token") || "" };
}

function chosenLanguage() {
  return new URLSearchParams(window.location.search).get("lang");
}

function day(iso) {
  try {
    return new Intl.DateTimeFormat(LANG + "-BE", { dateStyle: "long", timeZone: "UTC" })
      .format(new Date(iso + "T00:00:00Z"));
  } catch (error) {
    return iso;
  }
}

function element(id) {
  return document.getElementById(id);
}

function say(id, text, isError) {
  const node = element(id);
  node.textContent = text;
  node.hidden = false;
  node.classList.toggle("error", Boolean(isError));
}

function list(id, items) {
  element(id).replaceChildren(...items.map((text) => {
    const item = document.createElement("li");
    item.textContent = text;
    return item;
  }));
}

async function call(method, path, token, body) {
  const response = await fetch(path, {
    method,
    headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  return { status: response.status, data };
}

function problem(status) {
  if (status === 429) return t("problem.429");
  if (status === 409) return t("problem.409");
  return t("problem.other");
}

function gone() {
  const box = element("state");
  box.dataset.state = "gone";
  say("state-title", t("state.gone.title"));
  say("state-text", t("state.gone.text"));
  element("automated").hidden = true;
  for (const id of ["why", "change", "contest", "human"]) element(id).hidden = true;
  element("used-title").parentElement.hidden = true;
  element("decision").hidden = false;
  element("status").hidden = true;
}

function show(view) {
  const state = view.state;
  element("state").dataset.state = state;
  element("state").dataset.outcome = view.outcome;
  const dueBy = view.review ? day(view.review.due_by) : "";
  say("state-title", t("state." + state + ".title"));
  say("state-text", t("state." + state + ".text",
    { due_by: dueBy, outcome: t("outcome." + view.outcome) }));
  say("automated", view.human_review
    ? t("human", { automated: t("outcome." + view.automated_outcome) })
    : t("automated"));

  const human = element("human");
  human.hidden = !view.human_review;
  if (view.human_review) say("human-note", view.human_review.note || t("no_note"));

  // After a person decided, the automated reasons are history: the note says why.
  element("why").hidden = state === "resolved";
  list("reasons", view.reasons.length ? view.reasons.map((r) => r.message) : [t("no_reasons")]);

  const changes = view.what_would_change || [];
  element("change").hidden = changes.length === 0;
  list("changes", changes.map((c) => c.message));

  const form = element("contest");
  form.hidden = !view.can_contest;
  const fields = new Set(changes.map((c) => c.field));
  for (const fieldset of form.querySelectorAll("fieldset[data-field]")) {
    fieldset.hidden = !fields.has(fieldset.dataset.field);
    for (const input of fieldset.querySelectorAll("input")) input.disabled = fieldset.hidden;
  }
  element("corrections").hidden = fields.size === 0 || !view.can_contest;

  element("data-used").replaceChildren(...view.data_used.map((d) => {
    const item = document.createElement("li");
    const label = document.createElement("strong");
    label.textContent = d.label.charAt(0).toLocaleUpperCase(LANG) + d.label.slice(1);
    const purposes = document.createElement("span");
    purposes.textContent = d.purposes.join(" ");
    item.append(label, document.createElement("br"), purposes);
    return item;
  }));
  element("used-title").parentElement.hidden = false;
  element("decision").hidden = false;
  element("status").hidden = true;
}

async function load() {
  const { id, token } = params();
  if (!id || !token) return gone();
  const chosen = chosenLanguage();
  const query = chosen ? "?language=" + encodeURIComponent(chosen) : "";
  const { status, data } = await call(
    "GET", "/v1/decisions/" + encodeURIComponent(id) + query, token);
  if (status === 404 || status === 401) return gone();
  if (status !== 200) return say("status", problem(status), true);
  if (!chosen && data.language && data.language !== LANG) {
    // The person chose this language at registration: show the page in it.
    window.location.replace("?lang=" + data.language + window.location.hash);
    return;
  }
  show(data);
}

function corrections(form) {
  const out = {};
  for (const input of form.querySelectorAll("fieldset:not([hidden]) input")) {
    const value = input.value.trim();
    if (!value) continue;
    const [name, sub] = input.name.split(".");
    if (sub) {
      out[name] = out[name] || {};
      out[name][sub] = value;
    } else {
      out[name] = value;
    }
  }
  return out;
}

async function contest(event) {
  event.preventDefault();
  const form = event.target;
  const { id, token } = params();
  const statement = element("statement").value.trim();
  if (!statement) return;
  const body = { statement };
  const corrected = corrections(form);
  if (Object.keys(corrected).length) body.corrections = corrected;
  const { status, data } = await call(
    "POST", "/v1/decisions/" + encodeURIComponent(id) + "/review-requests", token, body);
  if (status !== 201) return say("sent", problem(status), true);
  say("sent", t("sent", { due_by: day(data.due_by) }));
  await load();
}

document.addEventListener("DOMContentLoaded", () => {
  for (const link of document.querySelectorAll("a[data-lang]")) {
    link.href = "?lang=" + link.dataset.lang + window.location.hash;
  }
  element("contest").addEventListener("submit", contest);
  window.addEventListener("hashchange", load);  // another contest link opened in this tab
  load();
});
