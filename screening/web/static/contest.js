// The customer's contest page. The decision id and token come from the URL
// fragment (never sent to a server) and travel only as a Bearer credential.
"use strict";

const OUTCOMES = { approve: "approved", review: "held for a review by our team", decline: "declined" };

function params() {
  const values = new URLSearchParams(window.location.hash.slice(1));
  return { id: values.get("decision") || "", token: values.get("token") || "" };
}

function say(id, text, isError) {
  const element = document.getElementById(id);
  element.textContent = text;
  element.hidden = false;
  element.classList.toggle("error", Boolean(isError));
}

function list(id, items) {
  const element = document.getElementById(id);
  element.replaceChildren(...items.map((text) => {
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

const CONFLICTS = {
  review_open: "A review of this decision is already open.",
  already_resolved: "A member of our team has already reviewed this decision.",
  not_contestable: "Your registration was approved: there is nothing to review.",
};

function problem(status, data) {
  if (status === 404 || status === 401) return "This link is not valid or has expired.";
  if (status === 429) return "Too many attempts. Please try again in a minute.";
  if (status === 409) {
    const code = data && data.error && data.error.code;
    return CONFLICTS[code] || CONFLICTS.review_open;
  }
  return "Something went wrong. Please try again later.";
}

function show(view) {
  document.getElementById("outcome").textContent = OUTCOMES[view.outcome] || view.outcome;
  const human = view.human_review;
  say("automated", human
    ? "A member of our team reviewed the automated decision (" +
      (OUTCOMES[view.automated_outcome] || view.automated_outcome) + ")."
    : "This decision was made automatically.");
  list("reasons", view.reasons.length ? view.reasons.map((r) => r.message)
    : ["No problem was found with your details."]);
  list("data-used", view.data_used.map((d) => d.field.replace("_", " ") + ": " +
    d.purposes.join(" ")));
  const review = view.review;
  const open = review && review.status !== "resolved";
  const approved = !review && view.automated_outcome === "approve";
  say("review", approved ? "Your registration was approved."
    : !review ? "You can ask for a person to review this decision."
    : open && review.contested ? "Your request is being handled; we will answer by " +
      review.due_by + "."
    : open ? "A member of our team will review your registration by " + review.due_by +
      ". You can add your point of view below."
    : "Your review is complete: " + (OUTCOMES[review.outcome] || review.outcome) + ".");
  document.getElementById("contest").hidden = Boolean(approved || (open && review.contested) ||
    (review && !open));
  document.getElementById("decision").hidden = false;
  document.getElementById("status").hidden = true;
}

async function load() {
  const { id, token } = params();
  if (!id || !token) return say("status", problem(404), true);
  const { status, data } = await call("GET", "/v1/decisions/" + encodeURIComponent(id), token);
  if (status !== 200) return say("status", problem(status, data), true);
  show(data);
}

async function contest(event) {
  event.preventDefault();
  const { id, token } = params();
  const statement = document.getElementById("statement").value.trim();
  if (!statement) return;
  const { status, data } = await call(
    "POST", "/v1/decisions/" + encodeURIComponent(id) + "/review-requests", token, { statement });
  if (status !== 201) return say("sent", problem(status, data), true);
  say("sent", "Thank you. A person will review the decision and answer by " + data.due_by + ".");
  await load();
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("contest").addEventListener("submit", contest);
  load();
});
